import DistillGuardCore
import DistillGuardTesting
import Foundation
import Testing

/// `distillguard gateway` as an operator runs it: configuration errors, serving, graceful shutdown.
struct GatewayCommandTests {
    let directory = TemporaryDirectory()

    @Test func reportsAConfigurationErrorWithItsField() throws {
        let config = directory.write("gateway.json", text: #"{"upstream":{"openai":{"url":"api.openai.com","api_key":"k"}}}"#)
        let result = try CommandRunner.run(["gateway", "--config", config])
        #expect(result.status != 0)
        #expect(result.standardError.contains("gateway.json: field `upstream.openai.url`: 'api.openai.com' must start with http"))
        let missing = try CommandRunner.run(["gateway", "--config", directory.file("absent.json")])
        #expect(missing.status != 0 && missing.standardError.contains("cannot read the configuration file"))
    }

    @Test func anUnknownExecutorIsRefusedWithTheVariableNamed() throws {
        let config = directory.write("gateway.json", text: #"{"upstream":{"openai":{"url":"http://127.0.0.1:9","api_key":"k"}}}"#)
        var environment = ProcessInfo.processInfo.environment
        environment["DISTILLGUARD_EXECUTOR"] = "threads"
        let result = try CommandRunner.run(["gateway", "--config", config], environment: environment)
        #expect(result.status != 0)
        #expect(result.standardError.contains("DISTILLGUARD_EXECUTOR must be 'event-loops' or 'dispatch' (it is 'threads')"))
    }

    @Test func servesAndShutsDownGracefullyKeepingEveryExchange() throws {
        let config = directory.write(
            "gateway.json",
            text: """
                {"listen":{"port":0},"upstream":{"anthropic":{"url":"http://127.0.0.1:9","api_key":"sk-upstream"},"timeout_seconds":1},
                 "keys":[{"key":"sk-client","account_id":"acct_cli"}],
                 "analysis":{"event_log":"\(directory.file("events.jsonl"))","refresh_seconds":60}}
                """)
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = ["gateway", "--config", config, "--log-level", "error"]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var text = ""
        // Reads until the line that names the port, or the end of the output if the gateway exits.
        while !text.contains("gateway listening on") {
            let data = stderr.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        let port = try #require(
            text.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }, "\(text)")
        let health = try curl(["http://127.0.0.1:\(port)/health"])
        #expect(health.contains(#""status":"ok""#))
        let refused = try curl([
            "-H", "x-api-key: sk-client", "-d", #"{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#,
            "http://127.0.0.1:\(port)/v1/messages",
        ])
        #expect(refused.contains(#""code":"upstream_unreachable""#))
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let lines = (directory.read("events.jsonl") ?? "").split(separator: "\n")
        #expect(lines.count == 1, "the exchange queued at shutdown is written before exit")
        let event = try EventDecoder.decode(line: String(try #require(lines.first)))
        #expect(event.accountID == "acct_cli" && event.status == 502)
    }

    func curl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "--max-time", "20"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
