import ArgumentParser
import DistillGuardCore
import DistillGuardServer
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// `distillguard gateway --config FILE`: the inline enforcement proxy.
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Run the enforcement gateway: a reverse proxy in front of the Anthropic and OpenAI APIs.",
        discussion: """
            Serves POST /v1/messages, /v1/messages/count_tokens, /v1/chat/completions and
            /v1/responses (streaming and not), decides each request by the policy, passes allowed
            traffic through unchanged, and analyses every exchange live. Also serves
            POST /v1/decide, GET /health and GET /metrics. The configuration and policy formats
            are in docs/gateway.md.
            """)

    @Option(name: .long, help: "Gateway configuration file (JSON; see docs/gateway.md).")
    var config: String

    @Option(name: .long, help: "Listen port, overriding the configuration (0 picks a free port).")
    var port: Int?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        var configuration = try Self.load(config)
        if let port { configuration.port = port }
        try LoggingSystem.bootstrapStandardError(level: logLevel)
        let logger = Logger(label: "distillguard.gateway")
        let model = try ModelFile.load(configuration.analysis.modelFile)
        let gateway = try await Gateway.start(configuration: configuration, model: model, logger: logger)
        let host = configuration.host
        let app = buildGatewayApplication(gateway, logger: logger) { port in
            StandardError.print("gateway listening on http://\(host):\(port)")
        }
        // Shut down in reverse order: the HTTP server stops taking requests first, then the
        // gateway drains its analysis queue and flushes the event log.
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: gateway), .init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// Reads and checks the configuration file; a policy file it names is read relative to it.
    static func load(_ path: String) throws -> GatewayConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("\(path): cannot read the configuration file")
        }
        do {
            return try GatewayConfiguration.parse(
                String(decoding: data, as: UTF8.self), file: path, environment: ProcessInfo.processInfo.environment,
                readFile: PolicyFile.reader(relativeTo: path))
        } catch {
            throw CommandFailure(error.description)
        }
    }
}
