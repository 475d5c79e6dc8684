import DistillGuardCore

/// Who analyses, when several `serve` replicas share one database.
///
/// One replica at a time holds the lease and is the analysis leader: it follows the event table,
/// checkpoints, applies retention. The others are standbys: they ingest, answer the console and
/// the decision API from the latest checkpoint, and try to take the lease about once a second.
/// The lease lasts `seconds` from its last renewal on the database's clock, so a leader that dies
/// (even by SIGKILL) loses it that long after its last renewal, and a standby takes over from the
/// last checkpoint. Every checkpoint is written only while its writer still holds the lease
/// (`save(_:holding:)`), so a leader that stalled past its lease can never overwrite the work of
/// the one that replaced it: nothing is counted twice.
public protocol AnalysisLeaseStore: ServiceStore {
    /// Takes the lease for `holder` when it is free or expired, or renews it when `holder` has it,
    /// recording how far its analysis has got; returns the lease as it stands afterwards (held by
    /// `holder` or by another replica).
    func claimLease(holder: String, seconds: Double, processedSequence: Int64) async throws -> AnalysisLease

    /// Gives the lease up at once (a graceful stop), so a standby need not wait for it to expire.
    func releaseLease(holder: String) async throws

    /// The sequence number the latest checkpoint covers (0 without one), without reading its state.
    func checkpointSequence() async throws -> Int64

    /// Replaces the checkpoint, but only while `lease` is still held (same holder, same term, not
    /// expired); otherwise throws `LeaseLost` and writes nothing.
    func save(_ checkpoint: EngineCheckpoint, holding lease: AnalysisLease) async throws
}

/// The analysis lease as the database has it.
public struct AnalysisLease: Sendable, Equatable {
    /// The replica that holds it.
    public var holder: String
    /// Goes up by one every time the lease changes hands.
    public var term: Int64
    /// The sequence number of the last event the holder had analysed at its last renewal.
    public var processedSequence: Int64
    /// Seconds until it expires (negative: expired), on the database's clock.
    public var secondsLeft: Double

    public init(holder: String, term: Int64, processedSequence: Int64, secondsLeft: Double) {
        self.holder = holder
        self.term = term
        self.processedSequence = processedSequence
        self.secondsLeft = secondsLeft
    }
}

/// A checkpoint was not written because its writer no longer holds the analysis lease.
public struct LeaseLost: Error, CustomStringConvertible, Sendable {
    public var holder: String
    public var term: Int64

    public init(holder: String, term: Int64) {
        self.holder = holder
        self.term = term
    }

    public var description: String {
        "replica \(holder) no longer holds the analysis lease of term \(term); another replica leads analysis now"
    }
}
