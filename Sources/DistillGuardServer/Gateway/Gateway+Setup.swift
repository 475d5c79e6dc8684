import AsyncHTTPClient
import DistillGuardCore
import DistillGuardStore
import Logging

extension Gateway {
    /// A gateway ready to serve: its analysis thread started (after replaying `analysis.replay`),
    /// its event store opened, its upstream client created. Call `shutdown()` when done.
    ///
    /// A store that cannot be opened does not stop the gateway: analysis reports storage as
    /// unavailable, and the failure mode decides whether traffic flows.
    public static func start(configuration: GatewayConfiguration, model: ScoringModel = .default, logger: Logger) throws -> Gateway {
        var persist: LiveAnalysis.Persist?
        var loadDecisions: LiveAnalysis.LoadDecisions?
        var storeError: String?
        if let path = configuration.analysis.store {
            do {
                let store = try SQLiteEventStore(path: path)
                persist = { events in _ = try store.insertSynchronously(events.map { StoredEvent($0.event, line: $0.line) }) }
                loadDecisions = { try store.decisionsSynchronously() }
            } catch {
                let message = "cannot open the event store \(path): \(error)"
                storeError = message
                logger.error("event store unavailable", metadata: ["dg.error": "\(error)", "dg.store": "\(path)"])
                persist = { _ in throw GatewayStoreUnavailable(message: message) }
            }
        }
        let client = makeHTTPClient(connectTimeout: min(5, configuration.upstreamTimeoutSeconds))
        if let link = configuration.analysis.decisionsFrom { loadDecisions = decisionsOverHTTP(link, client: client) }
        if let link = configuration.analysis.forwardTo {
            let forward = forwarding(link, client: client)
            if let store = persist {
                persist = { events in
                    try store(events)
                    try forward(events)
                }
            } else {
                persist = forward
            }
        }
        let analysis = try LiveAnalysis(
            configuration: .init(configuration.analysis), model: model, compliance: configuration.policy.compliance, persist: persist,
            loadDecisions: loadDecisions, logger: logger)
        if storeError != nil { analysis.markStoreUnavailable() }
        let replayed = try analysis.replay(configuration.analysis.replay)
        if replayed > 0 { logger.info("replayed earlier exchanges", metadata: ["dg.events": "\(replayed)"]) }
        analysis.start()
        return Gateway(
            configuration: configuration, analysis: analysis, client: client, logger: logger)
    }

    /// Stops analysis (draining what is queued and flushing the event log) and the upstream client.
    public func shutdown() async throws {
        await analysis.stop()
        try await client.shutdown()
    }
}

struct GatewayStoreUnavailable: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
