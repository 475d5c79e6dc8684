import DistillGuardCore
import DistillGuardServer
import DistillGuardTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOHTTP1
import Testing

/// Debian's nginx in front of a model API, with the configuration users are given
/// (`integrations/nginx/distillguard.conf`): `auth_request` asks the gateway before each call,
/// `mirror` sends each request body to it for analysis.
@Suite struct NginxIntegrationTests {
    static let nginx = "/usr/sbin/nginx"
    static let decisionKey = "decide-nginx-0123456789"
    static let policy = """
        {"rules":[
          {"name":"block-b","when":{"accounts":["acct_b"]},"action":"block","reason":"distillation_attack"},
          {"name":"throttle-c","when":{"accounts":["acct_c"]},"action":"throttle","reason":"rate_limited",
           "throttle":{"scope":"account","requests_per_minute":1}},
          {"name":"verify-d","when":{"accounts":["acct_d"]},"action":"require_verification",
           "verification_url":"https://example.com/verify"}
        ]}
        """
    static let chat = #"{"model":"m","messages":[{"role":"user","content":"Prove that the square root of 2 is irrational"}]}"#
    static let messages = #"{"model":"m","max_tokens":64,"messages":[{"role":"user","content":"Name three prime numbers"}]}"#

    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: nginx), "nginx is missing (scripts/install-test-dependencies.sh installs it)"))
    func nginxEnforcesTheGatewaysDecisionsAndMirrorsEachRequest() async throws {
        let policy = try Policy.parse(Self.policy, file: "policy.json")
        try await GatewayHarness.run(configure: { config in
            config.policy = policy
            config.decisionAPIKey = Self.decisionKey
        }) { harness in
            // The model API behind nginx: a provider's own API takes its customers' keys.
            let api = MockUpstream(otherKeys: Set(GatewayHarness.clientKeys.values))
            try await api.application(port: 0, logger: Self.quiet).test(.live) { apiClient in
                let proxy = try await NginxProcess.start(
                    distillguard: harness.gatewayURL, modelAPI: "127.0.0.1:\(try #require(apiClient.port))",
                    decisionKey: Self.decisionKey, directory: harness.directory)
                do {
                    try await Self.checkDecisions(proxy, harness: harness)
                    try await proxy.stop()
                } catch {
                    try await proxy.stop()
                    throw Failure("\(error)\nnginx error log:\n\(proxy.errorLog)")
                }
            }
        }
    }

    static func checkDecisions(_ proxy: NginxProcess, harness: GatewayHarness) async throws {
        // Allowed: the API's answer, unchanged (same text as the API gives directly).
        let allowed = try await proxy.call("/v1/chat/completions", Self.chat, key: "sk-client-a")
        #expect(allowed.status == 200, "\(allowed.text)")
        #expect(
            allowed.json?["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue
                == "Answer to: Prove that the square root of 2 is irrational")
        let anthropic = try await proxy.call("/v1/messages", Self.messages, key: "sk-client-a")
        #expect(anthropic.status == 200, "\(anthropic.text)")
        #expect(anthropic.json?["content"]?.arrayValue?.first?["text"]?.stringValue == "Answer to: Name three prime numbers")

        // Blocked: 403 in the API's own error shape, with the reason code.
        let blocked = try await proxy.call("/v1/chat/completions", Self.chat, key: "sk-client-b")
        #expect(blocked.status == 403)
        #expect(blocked.json?["error"]?["code"]?.stringValue == "distillation_attack", "\(blocked.text)")
        let blockedAnthropic = try await proxy.call("/v1/messages", Self.messages, key: "sk-client-b")
        #expect(blockedAnthropic.status == 403)
        #expect(blockedAnthropic.json?["type"]?.stringValue == "error", "Anthropic's error envelope: \(blockedAnthropic.text)")
        #expect(blockedAnthropic.json?["error"]?["type"]?.stringValue == "permission_error", "\(blockedAnthropic.text)")

        // Throttled: the first call passes, the second gets 429 with Retry-After.
        #expect(try await proxy.call("/v1/chat/completions", Self.chat, key: "sk-client-c").status == 200)
        let throttled = try await proxy.call("/v1/chat/completions", Self.chat, key: "sk-client-c")
        #expect(throttled.status == 429, "\(throttled.text)")
        let wait = throttled.headers.first(name: "retry-after").flatMap(Int.init)
        #expect(wait.map { $0 >= 1 && $0 <= 60 } == true, "Retry-After: \(String(describing: wait))")
        #expect(throttled.json?["error"]?["code"]?.stringValue == "rate_limited", "\(throttled.text)")

        // Verification required: refused with the URL to verify at.
        let verify = try await proxy.call("/v1/chat/completions", Self.chat, key: "sk-client-d")
        #expect(verify.status == 403)
        #expect(verify.text.contains("https://example.com/verify"), "\(verify.text)")

        // An unknown key never reaches the API (the gateway refuses unknown keys by default).
        let unknown = try await proxy.call("/v1/chat/completions", Self.chat, key: "sk-nobody")
        #expect(unknown.status == 401, "\(unknown.text)")
        #expect(unknown.json?["error"]?["code"]?.stringValue == "invalid_api_key", "\(unknown.text)")

        // Mirrored: each call that passed the check reached analysis with its account and prompt
        // (the API's answers are not mirrored). Refused calls never reach the mirror.
        let events = try await harness.loggedEvents(exchanges: 3)
        #expect(events.count == 3, "\(events.map(\.accountID))")
        #expect(events.filter { $0.accountID == "acct_a" }.count == 2)
        #expect(events.filter { $0.accountID == "acct_c" }.count == 1)
        #expect(events.contains { $0.api == .anthropicMessages && $0.exchange.lastUserText == "Name three prime numbers" })
        #expect(events.allSatisfy { $0.accountID != "acct_b" && $0.accountID != "acct_d" })
    }

    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: nginx), "nginx is missing (scripts/install-test-dependencies.sh installs it)"))
    func nginxFailsClosedWhenTheGatewayCannotBeReachedOrOpenIfConfigured() async throws {
        // The gateway's address: port 9 (discard), where nothing listens.
        let api = MockUpstream(otherKeys: Set(GatewayHarness.clientKeys.values))
        try await api.application(port: 0, logger: Self.quiet).test(.live) { apiClient in
            let modelAPI = "127.0.0.1:\(try #require(apiClient.port))"
            let (closedDirectory, openDirectory) = (TemporaryDirectory(), TemporaryDirectory())
            let closed = try await NginxProcess.start(
                distillguard: "http://127.0.0.1:9", modelAPI: modelAPI, decisionKey: Self.decisionKey, directory: closedDirectory)
            let refused = try await closed.call("/v1/chat/completions", Self.chat, key: "sk-client-a")
            try await closed.stop()
            #expect(refused.status == 500, "\(refused.text)\n\(closed.errorLog)")

            // The documented line uncommented: the call goes to the API unchecked.
            let open = try await NginxProcess.start(
                distillguard: "http://127.0.0.1:9", modelAPI: modelAPI, decisionKey: Self.decisionKey, directory: openDirectory,
                failOpen: true)
            let passed = try await open.call("/v1/chat/completions", Self.chat, key: "sk-client-a")
            try await open.stop()
            #expect(passed.status == 200, "\(passed.text)\n\(open.errorLog)")
            #expect(passed.json?["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue?.hasPrefix("Answer to: Prove") == true)
        }
    }

    static let quiet: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// nginx started on the repository's `integrations/nginx/distillguard.conf`, with the three values
/// a user replaces filled in, listening on a Unix socket in `directory` (no port to race for).
final class NginxProcess {
    let process: Process
    let socket: String
    let errorLogPath: String

    var errorLog: String { (try? String(contentsOfFile: errorLogPath, encoding: .utf8)) ?? "" }

    static var template: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("integrations/nginx/distillguard.conf").path
    }

    init(process: Process, socket: String, errorLogPath: String) {
        self.process = process
        self.socket = socket
        self.errorLogPath = errorLogPath
    }

    /// `failOpen` uncomments the template's `error_page 500 = @model_api_unchecked;`, as its comment says to.
    static func start(
        distillguard: String, modelAPI: String, decisionKey: String, directory: TemporaryDirectory, failOpen: Bool = false
    ) async throws -> NginxProcess {
        let socket = directory.file("nginx.sock")
        var site = try String(contentsOfFile: template, encoding: .utf8)
        var replacements = [
            ("DISTILLGUARD_ADDRESS", distillguard.replacingOccurrences(of: "http://", with: "")), ("MODEL_API_ADDRESS", modelAPI),
            ("DECISION_API_KEY", decisionKey), ("listen 8080;", "listen unix:\(socket);"),
        ]
        if failOpen { replacements.append(("# error_page 500 = @model_api_unchecked;", "error_page 500 = @model_api_unchecked;")) }
        // The template's short timeouts on the check and the mirror are for production: a slow
        // gateway fails the call closed (or open) instead of holding it. A busy test machine can
        // overrun them, so here they are the hang guard; the failure-mode cases meet a gateway that
        // is down (refused at once), not a slow one.
        let guardSeconds = "\(Wait.hangGuard.components.seconds)s;"
        for timeout in ["proxy_connect_timeout 1s;", "proxy_read_timeout 2s;", "proxy_read_timeout 5s;"] {
            replacements.append((timeout, timeout.split(separator: " ")[0] + " " + guardSeconds))
        }
        for (placeholder, value) in replacements {
            guard site.contains(placeholder) else { throw NginxError("the template has no \(placeholder)") }
            site = site.replacingOccurrences(of: placeholder, with: value)
        }
        directory.write("distillguard.conf", text: site)
        let temporary = directory.file("nginx-temp")
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        let errorLog = directory.file("nginx-error.log")
        // Root runs the workers as root too, so that they can use the test's private directory.
        let user = getuid() == 0 ? "user root;\n" : ""
        directory.write(
            "nginx.conf",
            text: """
                \(user)worker_processes 1;
                pid \(directory.file("nginx.pid"));
                error_log \(errorLog) info;
                events { worker_connections 256; }
                http {
                    access_log \(directory.file("nginx-access.log"));
                    client_body_temp_path \(temporary)/body;
                    proxy_temp_path \(temporary)/proxy;
                    fastcgi_temp_path \(temporary)/fastcgi;
                    uwsgi_temp_path \(temporary)/uwsgi;
                    scgi_temp_path \(temporary)/scgi;
                    include \(directory.file("distillguard.conf"));
                }
                """)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: NginxIntegrationTests.nginx)
        process.arguments = ["-p", directory.path, "-e", errorLog, "-c", directory.file("nginx.conf"), "-g", "daemon off;"]
        let output = directory.file("nginx-output.log")
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = process.standardOutput
        try process.run()
        let proxy = NginxProcess(process: process, socket: socket, errorLogPath: errorLog)
        try await Wait.until("nginx listening on \(socket)") {
            guard process.isRunning else {
                throw NginxError("nginx exited: \(directory.read("nginx-output.log") ?? "")\n\(proxy.errorLog)")
            }
            return FileManager.default.fileExists(atPath: socket)
        }
        return proxy
    }

    /// A model API call through nginx as the client with `key`.
    func call(_ path: String, _ body: String, key: String) async throws -> GatewayHarness.Reply {
        let encoded = socket.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? socket
        // The socket path would be the Host header otherwise, which nginx refuses (400).
        return try await GatewayHarness.post(
            "http+unix://\(encoded)\(path)", body, headers: [("host", "localhost")] + GatewayHarness.auth(path, key: key))
    }

    func stop() async throws {
        guard process.isRunning else { return }
        process.terminate()
        try await Wait.until("nginx to exit after SIGTERM") { !process.isRunning }
    }
}

struct NginxError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
