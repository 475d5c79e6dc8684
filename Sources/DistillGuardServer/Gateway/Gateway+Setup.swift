import AsyncHTTPClient
import DistillGuardCore
import DistillGuardStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

extension Gateway {
    /// A gateway ready to serve: its analysis started (after replaying `analysis.replay`),
    /// its event store opened, its upstream client created. Call `shutdown()` when done.
    ///
    /// A store that cannot be opened does not stop the gateway: analysis reports storage as
    /// unavailable, and the failure mode decides whether traffic flows.
    public static func start(configuration: GatewayConfiguration, model: ScoringModel = .default, logger: Logger) async throws -> Gateway {
        var persist: LiveAnalysis.Persist?
        var loadDecisions: LiveAnalysis.LoadDecisions?
        var storeError: (any Error)?
        if let path = configuration.analysis.store {
            let store = ReopeningStore(path: path, logger: logger)
            if let error = store.openingError {
                storeError = error
                logger.error(
                    "event store unavailable; will try again with each batch", metadata: ["dg.error": "\(error)", "dg.store": "\(path)"])
            }
            // With feature rows (`Configuration.featureRows`): `serve` analysing this database reads those.
            persist = { events in try await store.insert(events.map { StoredEvent($0.event, line: $0.line, features: $0.features) }) }
            loadDecisions = { try await store.decisions() }
        }
        let client = makeHTTPClient(
            connectTimeout: min(5, configuration.upstreamTimeoutSeconds), idleTimeout: configuration.upstreamIdleTimeoutSeconds)
        if let link = configuration.analysis.decisionsFrom { loadDecisions = decisionsOverHTTP(link, client: client) }
        var loadSnapshot: LiveAnalysis.LoadSnapshot?
        if let link = configuration.analysis.verdictsFrom {
            loadSnapshot = snapshotOverHTTP(
                link, selection: configuration.policy.enforcementSelection, gatewayID: gatewayID(configuration),
                refreshSeconds: configuration.analysis.refreshSeconds, client: client)
            // The service's verdicts carry analysts' decisions; a shared store's must not be applied twice.
            loadDecisions = nil
        }
        if let link = configuration.analysis.forwardTo {
            let forward = forwarding(link, client: client)
            if let store = persist {
                persist = { events in
                    try await store(events)
                    try await forward(events)
                }
            } else {
                persist = forward
            }
        }
        let analysis = try LiveAnalysis(
            configuration: .init(configuration.analysis), model: model, compliance: configuration.policy.compliance, persist: persist,
            loadDecisions: loadDecisions, loadSnapshot: loadSnapshot, logger: logger)
        if storeError != nil { analysis.markStoreUnavailable() }
        let replayed = try await analysis.replay(configuration.analysis.replay)
        if replayed > 0 { logger.info("replayed earlier exchanges", metadata: ["dg.events": "\(replayed)"]) }
        await analysis.start()
        return Gateway(
            configuration: configuration, analysis: analysis, client: client, logger: logger)
    }

    /// `analysis.gateway_id`, or the host name and port (the process id for an ephemeral port).
    static func gatewayID(_ configuration: GatewayConfiguration) -> String {
        if let id = configuration.analysis.gatewayID { return id }
        let host = ProcessInfo.processInfo.hostName
        return configuration.port > 0 ? "\(host):\(configuration.port)" : "\(host):pid\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Stops analysis (draining what is queued and flushing the event log) and the upstream client.
    public func shutdown() async throws {
        await analysis.stop()
        try await client.shutdown()
    }
}

/// The gateway as a service of a `ServiceGroup` (what `distillguard gateway` runs): list it before
/// the HTTP application, so that on SIGTERM the server stops taking requests first and the gateway
/// then analyses, logs and stores every exchange it has queued before the process exits.
extension Gateway: Service {
    /// Waits for the group's graceful shutdown (or its cancellation, when another service failed),
    /// then shuts the gateway down.
    public func run() async throws {
        try? await gracefulShutdown()
        try await shutdown()
    }
}

/// The gateway's SQLite event store, opened again when it could not be opened at start or when
/// its file was removed or replaced while open (a new, empty database at the same path), so that
/// pending exchanges are stored as soon as the path is usable again.
final class ReopeningStore: Sendable {
    let path: String
    let logger: Logger
    let store: Mutex<SQLiteEventStore?>
    /// Why the store could not be opened at start, if it could not.
    let openingError: (any Error)?

    init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
        do {
            store = Mutex(try SQLiteEventStore(path: path))
            openingError = nil
        } catch {
            store = Mutex(nil)
            openingError = error
        }
    }

    func insert(_ events: [StoredEvent]) async throws {
        let store = try opened()
        do { _ = try await store.insert(events) } catch let error as DatabaseFileReplaced { throw replaced(store, error) }
    }

    func decisions() async throws -> [AnalystDecision] {
        let store = try opened()
        do { return try await store.decisions() } catch let error as DatabaseFileReplaced { throw replaced(store, error) }
    }

    /// The store, opened now if it is not open.
    private func opened() throws -> SQLiteEventStore {
        try store.withLock { current in
            if let current { return current }
            // The journal of a file that is gone would be replayed into the new one: it goes too.
            if !FileManager.default.fileExists(atPath: path) {
                for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            let opened = try SQLiteEventStore(path: path)
            current = opened
            return opened
        }
    }

    /// Closes `replaced`, whose file was removed or replaced, so that the next use opens the path again.
    private func replaced(_ replaced: SQLiteEventStore, _ error: DatabaseFileReplaced) -> DatabaseFileReplaced {
        store.withLock { current in
            guard current === replaced else { return }
            logger.error("the event store's file was removed or replaced; opening a new one", metadata: ["dg.store": "\(path)"])
            try? current?.close()
            current = nil
        }
        return error
    }
}
