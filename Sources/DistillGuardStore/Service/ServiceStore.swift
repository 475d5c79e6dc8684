import DistillGuardCore

/// What the always-on service (`distillguard serve`) keeps, on top of the events themselves.
///
/// - Every stored event gets a sequence number in commit order (gaps are possible, order is not
///   violated), so analysis can follow the table as a queue and resume from a checkpoint.
/// - A checkpoint holds the engine's state, the sequence it covers and the verdicts it produced, in
///   one row written at once: a restart resumes exactly after it, and no event is counted twice.
/// - Retention empties the raw text (`line`) of events the checkpoint covers once they are older
///   than the window, except evidence samples; the compact columns stay.
/// - Analysts' decisions, hourly traffic and flagged counts over time feed the console.
public protocol ServiceStore: EventStore {
    /// Stored events with a sequence number above `sequence`, in sequence order.
    func events(after sequence: Int64, limit: Int) async throws -> [SequencedEvent]

    /// Number of stored events with a sequence number above `sequence`.
    func eventCount(after sequence: Int64) async throws -> Int

    /// The sequence number of the newest stored event (0 when none is stored).
    func latestSequence() async throws -> Int64

    /// The latest checkpoint, if any.
    func checkpoint() async throws -> EngineCheckpoint?

    /// Replaces the checkpoint.
    func save(_ checkpoint: EngineCheckpoint) async throws

    /// Marks up to `perAccount` recent events of each account that still have their text as
    /// evidence samples (kept for good), then empties the text of events at or below `sequence`
    /// and older than `before` that are not evidence. Returns how many events lost their text.
    func applyRetention(
        evidenceAccounts: [String], perAccount: Int, throughSequence sequence: Int64, before: Timestamp
    )
        async throws -> Int

    /// Stores a decision and returns it with its id.
    func record(_ decision: AnalystDecision) async throws -> AnalystDecision

    /// Every decision, oldest first.
    func decisions() async throws -> [AnalystDecision]

    /// Records the verdict counts at an hour of event time (the last write of an hour stays).
    func record(_ point: HistoryPoint) async throws

    /// Verdict counts over time, oldest first, the latest `limit` hours.
    func history(limit: Int) async throws -> [HistoryPoint]

    /// Events stored per hour of event time, oldest first, the latest `limit` hours.
    func traffic(limit: Int) async throws -> [TrafficPoint]

    /// The newest `limit` events of an account, newest first (with or without their text).
    func recentEvents(account accountID: String, limit: Int) async throws -> [StoredEvent]

    /// Up to `limit` events of an account that still have their text (evidence first, newest first).
    func samples(account accountID: String, limit: Int) async throws -> [StoredEvent]

    /// How many events are stored, how many still have their text, how many are evidence.
    func retentionSummary() async throws -> RetentionSummary

    /// Marks enforcement point `id` (a gateway reading `/v1/enforcement`, a `serve` replica
    /// answering `/v1/decide`) live for `seconds` from now, and returns how many points are live,
    /// this one included. Every replica sharing the store sees the same number; PostgreSQL uses
    /// the database's clock, so replicas' clocks do not decide. Points not seen for a day are forgotten.
    func markEnforcementPoint(_ id: String, liveForSeconds seconds: Double) async throws -> Int
}

/// A stored event and its place in commit order.
public struct SequencedEvent: Sendable, Equatable {
    public var sequence: Int64
    public var event: StoredEvent

    public init(sequence: Int64, event: StoredEvent) {
        self.sequence = sequence
        self.event = event
    }
}

/// The engine's state after every event up to `sequence`, with the verdicts it produced.
public struct EngineCheckpoint: Sendable, Equatable {
    public var sequence: Int64
    /// Wall-clock time of the save.
    public var savedAt: Timestamp
    /// `DetectionEngine.snapshot()`.
    public var state: [UInt8]
    /// The verdicts in the contract's JSON form (`docs/verdicts.md`).
    public var verdicts: String

    public init(sequence: Int64, savedAt: Timestamp, state: [UInt8], verdicts: String) {
        self.sequence = sequence
        self.savedAt = savedAt
        self.state = state
        self.verdicts = verdicts
    }
}

/// Verdict counts at one hour of event time.
public struct HistoryPoint: Sendable, Equatable {
    /// The start of the hour.
    public var hour: Timestamp
    public var events: Int
    public var accounts: Int
    public var review: Int
    public var attack: Int
    public var clusters: Int

    public init(hour: Timestamp, events: Int, accounts: Int, review: Int, attack: Int, clusters: Int) {
        self.hour = hour
        self.events = events
        self.accounts = accounts
        self.review = review
        self.attack = attack
        self.clusters = clusters
    }

    /// The start of the hour `time` falls in.
    public static func hour(of time: Timestamp) -> Timestamp {
        Timestamp(milliseconds: time.milliseconds - ((time.milliseconds % 3_600_000) + 3_600_000) % 3_600_000)
    }
}

/// Events stored in one hour of event time.
public struct TrafficPoint: Sendable, Equatable {
    public var hour: Timestamp
    public var events: Int

    public init(hour: Timestamp, events: Int) {
        self.hour = hour
        self.events = events
    }
}

public struct RetentionSummary: Sendable, Equatable {
    public var events: Int
    public var withText: Int
    public var evidence: Int

    public init(events: Int, withText: Int, evidence: Int) {
        self.events = events
        self.withText = withText
        self.evidence = evidence
    }
}
