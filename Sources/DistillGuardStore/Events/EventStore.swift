import DistillGuardCore

/// Durable storage of ingested events, idempotent by event id.
///
/// Implementations: `SQLiteEventStore` (embedded, the default). The core never imports this
/// module; the server and CLI inject a store through this protocol.
public protocol EventStore: Sendable {
    /// Stores each event whose id is new; returns, in order, whether each one was new.
    func insert(_ events: [StoredEvent]) async throws -> [Bool]

    /// Number of distinct events stored.
    func eventCount() async throws -> Int

    /// Stored events of one account, oldest first.
    func events(account accountID: String, limit: Int) async throws -> [StoredEvent]
}

/// The compact form of an event that is kept: envelope keys for queries, plus the original line.
public struct StoredEvent: Sendable, Equatable {
    public var id: String
    public var timestamp: Timestamp
    public var accountID: String
    public var api: String
    public var model: String?
    /// The event exactly as received (one JSON Lines record). Read back for analysis (`events(after:limit:)`)
    /// only when the event has no `features`.
    public var line: String
    /// What analysis reads of the event (`FeatureRow`), made at ingest (by `serve`, or a gateway
    /// with `analysis.store`); nil for events stored before migration `v6-event-features` or by an
    /// older version. Emptied with the raw text.
    public var features: [UInt8]?

    public init(
        id: String, timestamp: Timestamp, accountID: String, api: String, model: String?, line: String, features: [UInt8]? = nil
    ) {
        self.id = id
        self.timestamp = timestamp
        self.accountID = accountID
        self.api = api
        self.model = model
        self.line = line
        self.features = features
    }

    /// The stored form of a decoded event and the line it came from; `features` makes its feature row.
    public init(_ event: Event, line: String, features: ExchangeFeatures? = nil) {
        self.init(
            id: event.id, timestamp: event.timestamp, accountID: event.accountID, api: event.api.rawValue,
            model: event.exchange.model, line: line, features: features.map { FeatureRow.encode(event, $0) })
    }
}
