import DistillGuardCore
import DistillGuardServer
import DistillGuardStore
import DistillGuardTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// `distillguard serve`'s application over a fresh store (SQLite or PostgreSQL), with analysis
/// following the store in a task beside it: through HummingbirdTesting's router client (`run`),
/// or on a real socket (`serve`) for clients outside the process.
struct ServiceHarness {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    static let adminToken = "admin-token-for-tests-0001"
    static let ingestKey = "ingest-key-for-tests-00001"
    static let decisionKey = "decision-key-for-tests-001"

    let store: any ServiceStore
    let follower: AnalysisFollower

    var admin: HTTPFields { [.authorization: "Bearer \(Self.adminToken)", HTTPField.Name("X-DistillGuard-Analyst")!: "carol"] }
    var ingest: HTTPFields { [.authorization: "Bearer \(Self.ingestKey)"] }
    var decide: HTTPFields { [.authorization: "Bearer \(Self.decisionKey)"] }

    static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }

    /// Runs `body` with HummingbirdTesting's router client (no socket); `runAnalysis: false`
    /// leaves stored events unanalyzed.
    static func run(
        _ backend: Backend, settings: AnalysisSettings = AnalysisSettings(refreshSeconds: 0.1, checkpointSeconds: 0.3),
        runAnalysis: Bool = true, secureCookies: Bool = false, decisionKeys: [String] = [decisionKey], policy: Policy = .default,
        _ body: @Sendable (ServiceHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await withStore(backend) { store in
            try await run(
                store: store, settings: settings, runAnalysis: runAnalysis, secureCookies: secureCookies, decisionKeys: decisionKeys,
                policy: policy, body)
        }
    }

    /// `serve` over a fresh store.
    static func serve(
        _ backend: Backend, settings: AnalysisSettings = AnalysisSettings(refreshSeconds: 0.1, checkpointSeconds: 0.3),
        policy: Policy = .default, _ body: @escaping @Sendable (ServiceHarness, _ url: String) async throws -> Void
    ) async throws {
        try await withStore(backend) { store in try await serve(store: store, settings: settings, policy: policy, body) }
    }

    /// The service on a real socket at 127.0.0.1 (port 0: a free one), for clients outside the
    /// process and for requests that may take long on a busy machine: `body` gets its base URL
    /// once it accepts connections, and asks it with clients bounded only by the hang guard
    /// (`GatewayHarness.get`, `.post`), where HummingbirdTesting's live client gives up after 20 s.
    static func serve(
        store: any ServiceStore, port: Int = 0, settings: AnalysisSettings = AnalysisSettings(refreshSeconds: 0.1, checkpointSeconds: 0.3),
        policy: Policy = .default, _ body: @escaping @Sendable (ServiceHarness, _ url: String) async throws -> Void
    ) async throws {
        let metrics = MetricsRegistry()
        let follower = AnalysisFollower(store: store, settings: settings, metrics: metrics, logger: logger)
        try await follower.prepare()
        let configuration = ServiceConfiguration(
            server: ServerConfiguration(port: port, maximumBodyBytes: 1 << 20),
            access: try AccessConfiguration(adminTokens: [adminToken], ingestKeys: [ingestKey], decisionKeys: [decisionKey]),
            analysis: settings, policy: policy)
        let (listening, announce) = AsyncStream<Int>.makeStream()
        let app = buildServiceApplication(
            configuration: configuration, store: store, follower: follower, metrics: metrics, logger: logger,
            onListening: { announce.yield($0) })
        let harness = ServiceHarness(store: store, follower: follower)
        // A service that cannot start (or stops) ends the test with its error instead of leaving
        // `body` waiting for it.
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await follower.run()
                return false
            }
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                throw HarnessError(message: "the service on port \(port) stopped before the test ended")
            }
            group.addTask {
                var bound = port
                for await announced in listening {
                    bound = announced
                    break
                }
                try await body(harness, "http://127.0.0.1:\(bound)")
                return true
            }
            while let bodyFinished = try await group.next(), !bodyFinished {}
            group.cancelAll()
        }
    }

    /// `run` over a given store.
    static func run(
        store: any ServiceStore, settings: AnalysisSettings = AnalysisSettings(refreshSeconds: 0.1, checkpointSeconds: 0.3),
        runAnalysis: Bool = true, secureCookies: Bool = false, decisionKeys: [String] = [decisionKey], policy: Policy = .default,
        _ body: @Sendable (ServiceHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        let metrics = MetricsRegistry()
        let follower = AnalysisFollower(store: store, settings: settings, metrics: metrics, logger: logger)
        try await follower.prepare()
        let configuration = ServiceConfiguration(
            server: ServerConfiguration(port: 0, maximumBodyBytes: 1 << 20),
            access: try AccessConfiguration(adminTokens: [adminToken], ingestKeys: [ingestKey], decisionKeys: decisionKeys),
            analysis: settings, policy: policy, secureCookies: secureCookies)
        let app = buildServiceApplication(
            configuration: configuration, store: store, follower: follower, metrics: metrics, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            if runAnalysis { group.addTask { try await follower.run() } }
            try await app.test(.router) { client in try await body(ServiceHarness(store: store, follower: follower), client) }
            group.cancelAll()
        }
    }

    static func withStore(_ backend: Backend, _ body: @Sendable (any ServiceStore) async throws -> Void) async throws {
        switch backend {
        case .sqlite:
            try await body(try SQLiteEventStore())
        case .postgres:
            let url = try #require(
                ProcessInfo.processInfo.environment["DISTILLGUARD_TEST_POSTGRES_URL"],
                "DISTILLGUARD_TEST_POSTGRES_URL is not set: run the suite with scripts/test.sh, which starts PostgreSQL")
            let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
            try await PostgresEventStore.withStore(url: url, schema: String(schema), connectTimeout: Wait.hangGuard, logger: logger) {
                try await body($0)
            }
        }
    }

    /// Waits until analysis has caught up with `events` events and published them (events that
    /// another process, such as a gateway, is still sending are waited for too).
    func waitForAnalysis(events: Int) async throws {
        try await Wait.until("analysis to reach \(events) events (at \(follower.view.result?.eventsAnalyzed ?? 0))") {
            try await Wait.on("analysis to drain") { try await follower.drain() }
            return follower.view.result?.eventsAnalyzed ?? 0 >= events && follower.backlog == 0
        }
    }

    static func json(_ buffer: ByteBuffer) throws -> JSONValue { try JSONParser.parse(Array(buffer.readableBytesView)) }

    static func batch(_ lines: [String]) -> ByteBuffer { ByteBuffer(string: lines.joined(separator: "\n") + "\n") }

    /// Header pairs for `GatewayHarness.get` and `.post` against `serve`.
    static let adminPairs = [("authorization", "Bearer \(adminToken)"), ("x-distillguard-analyst", "carol")]
    static let ingestPairs = [("authorization", "Bearer \(ingestKey)")]
}
