import ArgumentParser
import DistillGuardTesting
import Hummingbird
import Logging

/// Runs the mock model API (`DistillGuardTesting.MockUpstream`) for benchmarks and manual tries.
@main
struct MockUpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distillguard-mock-upstream",
        abstract: "A mock Anthropic/OpenAI API with deterministic answers, for gateway tests and benchmarks.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 9100
    @Option(help: "Upstream key the mock expects (x-api-key or Bearer).") var apiKey = "sk-upstream-test"

    func run() async throws {
        var logger = Logger(label: "mock-upstream")
        logger.logLevel = .warning
        let app = MockUpstream(apiKey: apiKey).application(host: host, port: port, logger: logger)
        try await app.runService()
    }
}
