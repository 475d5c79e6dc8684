import ArgumentParser
import DistillGuardCore
import DistillGuardServer
import DistillGuardStore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// `distillguard serve`: the always-on service (ingest API, analysis, console, admin API).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run DistillGuard as a long-lived service: ingest API, continuous analysis, investigation console.",
        discussion: """
            Stores events POSTed to /v1/events (JSON Lines, the event-log contract) in the database,
            analyses them continuously, checkpoints the engine so a restart resumes where it
            stopped, and serves the console at /console, the admin API under /v1, /health and
            /metrics. Secrets come from files or the environment; there are no defaults:
              DISTILLGUARD_ADMIN_TOKEN   console sign-in and admin API (or --admin-token-file)
              DISTILLGUARD_INGEST_KEY    ingest API (or --ingest-key-file)
              DISTILLGUARD_DECISION_KEY  decision API, POST /v1/decide (or --decision-key-file;
                                         without one the decision API is off)
            SIGTERM or SIGINT stops it gracefully: ingest stops, what was stored is analysed, and a
            last checkpoint is saved. See docs/service.md.
            On PostgreSQL, several replicas may share one database (and schema): all ingest and
            answer, one at a time leads analysis under a lease, the others follow its checkpoints
            and take over when it dies. See docs/deployment.md.
            """)

    @Option(name: .long, help: "SQLite file (created if missing), or postgres://user:password@host:port/database.")
    var database: String = "distillguard.sqlite"

    @Option(name: .long, help: "PostgreSQL schema for the tables.")
    var postgresSchema: String = "public"

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0 picks a free port, printed at start).")
    var port: Int = 8080

    @Option(name: .long, help: "File with the admin token(s), one per line (instead of DISTILLGUARD_ADMIN_TOKEN).")
    var adminTokenFile: String?

    @Option(name: .long, help: "File with the ingest key(s), one per line (instead of DISTILLGUARD_INGEST_KEY).")
    var ingestKeyFile: String?

    @Option(
        name: .long,
        help: "File with the decision API key(s), one per line (instead of DISTILLGUARD_DECISION_KEY); without one POST /v1/decide is off."
    )
    var decisionKeyFile: String?

    @Option(
        name: .long,
        help:
            "Policy file POST /v1/decide decides by (default: the built-in policy); its `compliance` section turns on regional compliance assessment."
    )
    var policy: String?

    @Option(name: .long, help: "Hours of event time raw prompt text is kept for (evidence samples are kept for good).")
    var rawRetentionHours: Double = 72

    @Option(name: .long, help: "Evidence samples kept with their text per flagged account.")
    var evidencePerAccount: Int = 5

    @Option(name: .long, help: "Answer ingest with 429 while more than this many stored events wait for analysis.")
    var maxBacklog: Int = 200_000

    @Option(name: .long, help: "Save the engine's state at most this many seconds apart while events arrive.")
    var checkpointSeconds: Double = 30

    @Option(
        name: .long,
        help:
            "This replica's name in the PostgreSQL analysis lease, shown in /health and logs (default: host name, process id and a random suffix)."
    )
    var replicaId: String?

    @Option(
        name: .long,
        help:
            "Seconds the PostgreSQL analysis lease lasts after its last renewal: how soon a standby replaces a leader that died. The leader renews every quarter of it, beside its analysis rounds, so it must outlast a few slow database round trips, not a round."
    )
    var leaseSeconds: Double = 5

    @Option(name: .long, help: "Largest ingest request body, in bytes.")
    var maxBodyBytes: Int = 16 << 20

    @Option(name: .long, help: "Scoring model file from `distillguard train` (default: the built-in model).")
    var model: String?

    @Option(name: .long, help: "Also serve TAXII 2.1 from this intel store (needs --taxii-token-file).")
    var intelStore: String?

    @Option(name: .long, help: "File holding the bearer token TAXII partners send.")
    var taxiiTokenFile: String?

    @Flag(name: .long, help: "Mark the console's session cookie Secure (the console is reached over HTTPS through a proxy).")
    var secureCookies = false

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard rawRetentionHours >= 0 else { throw ValidationError("--raw-retention-hours must be 0 or more") }
        guard evidencePerAccount >= 0 else { throw ValidationError("--evidence-per-account must be 0 or more") }
        guard maxBacklog > 0 else { throw ValidationError("--max-backlog must be positive") }
        guard checkpointSeconds > 0 else { throw ValidationError("--checkpoint-seconds must be positive") }
        guard leaseSeconds >= 1 else { throw ValidationError("--lease-seconds must be at least 1") }
        if let replicaId, replicaId.isEmpty || replicaId.count > 200 || replicaId.contains(where: { $0.isWhitespace || $0.isNewline }) {
            throw ValidationError("--replica-id must be 1 to 200 characters without spaces (got '\(replicaId)')")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard (intelStore == nil) == (taxiiTokenFile == nil) else {
            throw ValidationError("--intel-store and --taxii-token-file go together")
        }
    }

    func run() async throws {
        try LoggingSystem.bootstrapStandardError(level: logLevel)
        let logger = Logger(label: "distillguard.serve")
        let access: AccessConfiguration
        do {
            access = try AccessConfiguration(
                adminTokens: try Self.secrets(file: adminTokenFile, environment: "DISTILLGUARD_ADMIN_TOKEN", option: "--admin-token-file"),
                ingestKeys: try Self.secrets(file: ingestKeyFile, environment: "DISTILLGUARD_INGEST_KEY", option: "--ingest-key-file"),
                decisionKeys: decisionKeyFile != nil || ProcessInfo.processInfo.environment["DISTILLGUARD_DECISION_KEY", default: ""] != ""
                    ? try Self.secrets(file: decisionKeyFile, environment: "DISTILLGUARD_DECISION_KEY", option: "--decision-key-file")
                    : [])
        } catch let error as AccessConfigurationError {
            throw CommandFailure(error.description)
        }
        var taxii: (store: IntelStore, token: String)?
        if let intelStore, let taxiiTokenFile {
            guard let token = try Self.secrets(file: taxiiTokenFile, environment: nil, option: "--taxii-token-file").first,
                token.count >= 16
            else { throw CommandFailure("\(taxiiTokenFile): the TAXII token must have at least 16 characters") }
            taxii = (try IntelStore(path: intelStore), token)
        }
        let policy = try policy.map(PolicyFile.load) ?? .default
        let configuration = ServiceConfiguration(
            server: ServerConfiguration(host: host, port: port, maximumBodyBytes: maxBodyBytes), access: access,
            analysis: AnalysisSettings(
                checkpointSeconds: checkpointSeconds, rawRetentionHours: rawRetentionHours, evidencePerAccount: evidencePerAccount,
                maximumBacklog: maxBacklog, model: try ModelFile.load(model), compliance: policy.compliance,
                replicaID: replicaId ?? AnalysisSettings.defaultReplicaID(), leaseSeconds: leaseSeconds),
            policy: policy, secureCookies: secureCookies)
        let location = StoreLocation(database)
        let host = host
        let partners = taxii
        do {
            try await location.withStore(schema: postgresSchema, logger: logger) { store in
                let metrics = MetricsRegistry()
                let follower = AnalysisFollower(store: store, settings: configuration.analysis, metrics: metrics, logger: logger)
                try await follower.prepare()
                let app = buildServiceApplication(
                    configuration: configuration, store: store, follower: follower, metrics: metrics, taxii: partners, logger: logger
                ) { port in
                    let decide = configuration.access.decisionKeys.isEmpty ? "" : ", decisions POST /v1/decide"
                    let line =
                        "DistillGuard serving on http://\(host):\(port) (console /console, ingest POST /v1/events\(decide)) with \(location)\n"
                    FileHandle.standardOutput.write(Data(line.utf8))
                }
                // Shut down in reverse order: the HTTP server stops taking requests first, then
                // analysis works through what was stored and saves a last checkpoint.
                let group = ServiceGroup(
                    configuration: ServiceGroupConfiguration(
                        services: [.init(service: follower), .init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint],
                        logger: logger))
                try await group.run()
            }
        } catch let error as StoreError {
            throw CommandFailure("\(location): \(error.description)")
        }
    }

    /// Secrets from a file (one per line) or an environment variable; an error says how to give one.
    static func secrets(file: String?, environment: String?, option: String) throws -> [String] {
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("\(file): cannot read the file") }
            let lines = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
            guard !lines.isEmpty else { throw CommandFailure("\(file): no secret in the file") }
            return lines
        }
        if let environment, let value = ProcessInfo.processInfo.environment[environment], !value.isEmpty {
            return [value]
        }
        throw CommandFailure(
            "no \(environment ?? option) is set and \(option) is not given; there is no default (generate one with `openssl rand -hex 32`)")
    }
}
