import DistillGuardCore
import DistillGuardServer
import DistillGuardTesting
import Foundation
import HummingbirdTesting
import Testing

/// A real LiteLLM proxy (`litellm[proxy]` from PyPI) with DistillGuard's callback
/// (`integrations/litellm`, installed with pip from the checkout), configured as
/// docs/integrations.md says, in front of the mock upstream; the official `openai` and
/// `anthropic` SDKs as its clients (`scripts/testing/litellm_check.py`). `serve` or the gateway
/// answers the decisions (both are documented); `serve` receives the exchanges and analyses them.
@Suite struct LiteLLMIntegrationTests {
    /// Who answers `POST /v1/decide`.
    enum DecisionHost: String, CaseIterable, CustomTestStringConvertible {
        case serve, gateway
        var testDescription: String { rawValue }
    }

    /// Looked up, not imported: importing litellm fetches a price list from the internet first.
    static var installed: Bool {
        let modules = "('litellm', 'fastapi', 'uvicorn', 'aiohttp', 'anthropic', 'openai')"
        let check = "import importlib.util as u, sys; sys.exit(0 if all(u.find_spec(m) for m in \(modules)) else 1)"
        return (try? ExternalCommand.run(["python3", "-c", check]).status) == 0
    }
    static let decisionKey = "decide-litellm-0123456789"
    static let masterKey = "sk-litellm-master-0123456789"
    static let policy = """
        {"rules":[
          {"name":"block-b","when":{"accounts":["acct_b"]},"action":"block","reason":"distillation_attack"},
          {"name":"throttle-c","when":{"accounts":["acct_c"]},"action":"throttle","reason":"rate_limited",
           "throttle":{"scope":"account","requests_per_minute":1}},
          {"name":"degrade-d","when":{"accounts":["acct_d"]},"action":"degrade","reason":"under_review",
           "degrade":{"strip_reasoning":true,"max_output_tokens":512}},
          {"name":"verify-e","when":{"accounts":["acct_e"]},"action":"require_verification",
           "verification_url":"https://example.com/verify"}
        ]}
        """
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test(
        .enabled(if: installed, "litellm, anthropic or openai is missing (scripts/install-test-dependencies.sh installs them)"),
        arguments: DecisionHost.allCases)
    func litellmAsksForDecisionsAndSendsEveryExchangeToServe(decisions: DecisionHost) async throws {
        let policy = try Policy.parse(Self.policy, file: "policy.json")
        try await ServiceHarness.serve(.sqlite, policy: policy) { _, serviceURL in
            try await GatewayHarness.run(configure: { config in
                config.policy = policy
                config.decisionAPIKey = Self.decisionKey
            }) { harness in
                let decide =
                    decisions == .serve
                    ? (url: serviceURL, key: ServiceHarness.decisionKey) : (url: harness.gatewayURL, key: Self.decisionKey)
                let proxy = try await LiteLLMProcess.start(
                    upstream: harness.upstreamURL, decide: decide, service: serviceURL, directory: harness.directory)
                do {
                    try await Self.check(proxy, serviceURL: serviceURL, upstreamURL: harness.upstreamURL)
                    try await proxy.stop()
                } catch {
                    try await proxy.stop()
                    throw LiteLLMError("\(error)\nLiteLLM's log:\n\(proxy.log.suffix(6000))")
                }
            }
        }
    }

    /// The callback on its own against decision APIs that fail (nothing listening, 500, a 200 that
    /// is not a decision, no answer before the timeout): failure mode open lets the call through
    /// unchanged, closed refuses it with 503 and Retry-After; wrong settings are refused by name
    /// (`scripts/testing/litellm_callback_check.py`).
    @Test(.enabled(if: installed, "litellm, anthropic or openai is missing (scripts/install-test-dependencies.sh installs them)"))
    func theCallbackFollowsItsFailureModeWhenTheDecisionAPIFails() async throws {
        let script = Self.repository.appendingPathComponent("scripts/testing/litellm_callback_check.py").path
        let (status, output) = try await ExternalCommand.runWithoutBlocking(["python3", script])
        #expect(status == 0, "\(output)")
        #expect(output.contains("all checks passed"), "\(output)")
        #expect(output.components(separatedBy: "open lets the call through, closed refuses it with 503").count == 5, "\(output)")
    }

    static func check(_ proxy: LiteLLMProcess, serviceURL: String, upstreamURL: String) async throws {
        let script = repository.appendingPathComponent("scripts/testing/litellm_check.py").path
        let (status, output) = try await ExternalCommand.runWithoutBlocking(["python3", script, proxy.url, masterKey, upstreamURL])
        #expect(status == 0, "\(output)")
        let results = try JSONParser.parse(Array((output.split(separator: "\n").last.map(String.init) ?? "").utf8))
        let answer = "Answer to: Prove that the square root of 2 is irrational"
        // Allowed calls, streamed and not, through both SDKs: the answer unchanged.
        for call in ["chat", "messages", "chat_stream", "messages_stream", "throttle_first"] {
            #expect(results[call]?.stringValue == answer, "\(call): \(output)")
        }
        // Blocked: the SDK's permission error, with DistillGuard's reason code.
        for call in ["blocked_chat", "blocked_messages"] {
            #expect(results[call]?["status"]?.intValue == 403, "\(call): \(output)")
            #expect(results[call]?["body"]?.description.contains("distillation_attack") == true, "\(call): \(output)")
        }
        #expect(results["blocked_messages"]?["body"]?["type"]?.stringValue == "error", "Anthropic's error envelope: \(output)")
        // Verification required: the SDK's permission error, naming the code and where to verify.
        #expect(results["verify_chat"]?["status"]?.intValue == 403, "\(output)")
        #expect(results["verify_chat"]?["body"]?.description.contains("verification_required") == true, "\(output)")
        #expect(results["verify_chat"]?["body"]?.description.contains("https://example.com/verify") == true, "\(output)")
        // Throttled: 429 with Retry-After.
        #expect(results["throttle_second"]?["status"]?.intValue == 429, "\(output)")
        #expect(results["throttle_second"]?["retry_after"]?.stringValue.flatMap(Int.init).map { $0 >= 1 } == true, "\(output)")
        #expect(results["throttle_second"]?["body"]?.description.contains("rate_limited") == true, "\(output)")
        // Degraded: answered, but the upstream got the request without reasoning and with the cap.
        #expect(results["degraded"]?["text"]?.stringValue == answer, "\(output)")
        #expect(results["degraded"]?["upstream_max_tokens"]?.intValue == 512, "\(output)")
        #expect(results["degraded"]?["upstream_thinking"]?.boolValue == false, "\(output)")

        // Every exchange reached serve, refusals included (4), and was analysed.
        let admin = [("authorization", "Bearer " + ServiceHarness.adminToken)]
        try await Wait.until("serve to analyse the 10 exchanges LiteLLM sent") {
            let verdicts = try await GatewayHarness.get(serviceURL + "/v1/verdicts", headers: admin)
            return (verdicts.json?["events_analyzed"]?.intValue ?? 0) >= 10
        }
        let verdicts = try await GatewayHarness.get(serviceURL + "/v1/verdicts", headers: admin)
        #expect(verdicts.json?["events_analyzed"]?.intValue == 10, "\(verdicts.text)")
        #expect(verdicts.json?["events_rejected"]?.intValue == 0, "every exchange in the events contract: \(verdicts.text)")
        #expect(verdicts.json?["accounts_analyzed"]?.intValue == 5, "\(verdicts.text)")
    }
}

/// LiteLLM's proxy with DistillGuard's callback, installed with pip from the checkout into the
/// test's directory, on a free port.
final class LiteLLMProcess {
    let process: Process
    let url: String
    let logPath: String

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    init(process: Process, url: String, logPath: String) {
        self.process = process
        self.url = url
        self.logPath = logPath
    }

    static func start(
        upstream: String, decide: (url: String, key: String), service: String, directory: TemporaryDirectory
    ) async throws -> LiteLLMProcess {
        // As a user installs it: pip, from the checkout (here into the test's own directory).
        let site = directory.file("site-packages")
        // From a copy: pip builds in the source folder, and a test leaves the checkout as it was.
        let package = directory.file("distillguard-litellm")
        try FileManager.default.copyItem(
            atPath: LiteLLMIntegrationTests.repository.appendingPathComponent("integrations/litellm").path, toPath: package)
        let (installed, pipOutput) = try await ExternalCommand.runWithoutBlocking([
            PythonModules.interpreter, "-m", "pip", "install", "--quiet", "--no-deps", "--target", site, package,
        ])
        guard installed == 0 else { throw LiteLLMError("pip could not install integrations/litellm:\n\(pipOutput)") }
        // The configuration of docs/integrations.md, with the mock upstream as the models.
        let config = directory.write(
            "litellm.yaml",
            text: """
                model_list:
                  - model_name: gpt-x
                    litellm_params:
                      model: openai/gpt-x
                      api_base: \(upstream)/v1
                      api_key: \(GatewayHarness.upstreamKey)
                  - model_name: claude-x
                    litellm_params:
                      model: anthropic/claude-x
                      api_base: \(upstream)
                      api_key: \(GatewayHarness.upstreamKey)
                litellm_settings:
                  callbacks: distillguard_litellm.callback
                general_settings:
                  master_key: \(LiteLLMIntegrationTests.masterKey)
                """)
        var lastLog = ""
        // A free port is picked and then bound by LiteLLM; if another process takes it in between,
        // LiteLLM exits and another port is tried.
        for attempt in 1...3 {
            let port = try freePort()
            let logPath = directory.file("litellm-\(attempt).log")
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["litellm", "--config", config, "--host", "127.0.0.1", "--port", String(port), "--num_workers", "1"]
            var environment = ProcessInfo.processInfo.environment
            environment["PYTHONPATH"] = site
            environment["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
            environment["DISTILLGUARD_DECIDE_URL"] = decide.url
            environment["DISTILLGUARD_DECIDE_KEY"] = decide.key
            environment["DISTILLGUARD_INGEST_URL"] = service
            environment["DISTILLGUARD_INGEST_KEY"] = ServiceHarness.ingestKey
            environment["DISTILLGUARD_ACCOUNT_FROM"] = "end_user"
            environment["DISTILLGUARD_FLUSH_SECONDS"] = "0.2"
            // The default (1 s, then the failure mode) is for production; a busy test machine can
            // overrun it, and a blocked account would then pass (fail open). Only a hang fails here.
            environment["DISTILLGUARD_TIMEOUT_SECONDS"] = String(Wait.hangGuard.components.seconds)
            process.environment = environment
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            let proxy = LiteLLMProcess(process: process, url: "http://127.0.0.1:\(port)", logPath: logPath)
            try await Wait.until("LiteLLM answering on port \(port)") {
                if !process.isRunning { return true }
                let reply = try? await GatewayHarness.get(proxy.url + "/health/liveliness")
                return reply?.status == 200
            }
            if process.isRunning { return proxy }
            lastLog = proxy.log
            guard lastLog.contains("address already in use") else { break }
        }
        throw LiteLLMError("LiteLLM did not start:\n\(lastLog.suffix(6000))")
    }

    static func freePort() throws -> Int {
        let (status, output) = try ExternalCommand.run([
            "python3", "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])",
        ])
        guard status == 0, let port = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw LiteLLMError("no free port: \(output)")
        }
        return port
    }

    /// SIGKILL: LiteLLM's proxy takes its time over a graceful stop, and nothing here needs one
    /// (the exchanges are in serve by then).
    func stop() async throws {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        try await Wait.until("LiteLLM to exit after SIGKILL") { !process.isRunning }
    }
}

struct LiteLLMError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
