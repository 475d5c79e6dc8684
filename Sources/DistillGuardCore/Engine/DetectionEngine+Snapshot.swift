import Foundation

/// The engine's accumulated state as bytes, so a long-lived service (`distillguard serve`) can
/// checkpoint it and resume after a restart without keeping or replaying raw events.
///
/// Only state is saved: the scoring model, partner intel and compliance settings are given again
/// when the engine is restored, so a new model applies at once to everything seen before.
extension DetectionEngine {
    /// Version of the snapshot layout; a snapshot of another version is refused, not misread.
    public static let snapshotVersion = 1

    struct Snapshot: Codable {
        var version: Int
        var checkpointSeconds: Double
        var profiles: [AccountProfile]
        var templates: TemplateRegistry
        var capabilityCounts: [Int]
        var paymentAccounts: [String: Int]
        var modelFirstSeen: [String: Timestamp]
        var firstFlags: [FirstFlags]
        var active: [Int]
        var nextCheckpoint: Timestamp?
        var logStart: Timestamp?
        var logEnd: Timestamp?
        var events: Int
        var outOfOrder: Int
        var hourly: [Int: [Int: Int]]
        var artefactUse: [UInt64: DistinctCounter]
        var anchorFirstUser: [UInt64: UInt64]
    }

    /// The engine's state, encoded.
    public func snapshot() throws -> [UInt8] {
        let snapshot = Snapshot(
            version: Self.snapshotVersion, checkpointSeconds: checkpointSeconds, profiles: profiles, templates: templates,
            capabilityCounts: capabilityCounts, paymentAccounts: paymentAccounts, modelFirstSeen: modelFirstSeen, firstFlags: firstFlags,
            active: active.sorted(), nextCheckpoint: nextCheckpoint, logStart: logStart, logEnd: logEnd, events: events,
            outOfOrder: outOfOrder, hourly: hourly, artefactUse: artefactUse, anchorFirstUser: anchorFirstUser)
        return Array(try JSONEncoder().encode(snapshot))
    }

    /// An engine holding the state of `snapshot`, scoring with `model`.
    public init(snapshot bytes: [UInt8], model: ScoringModel = .default, intel: IntelMatcher? = nil) throws {
        let snapshot: Snapshot
        do {
            snapshot = try JSONDecoder().decode(Snapshot.self, from: Data(bytes))
        } catch {
            throw EngineSnapshotError("the engine snapshot cannot be read: \(error)")
        }
        guard snapshot.version == Self.snapshotVersion else {
            throw EngineSnapshotError(
                "the engine snapshot has layout version \(snapshot.version); this build reads version \(Self.snapshotVersion)")
        }
        self.init(model: model, checkpointSeconds: snapshot.checkpointSeconds, intel: intel)
        restore(snapshot)
    }
}

/// A snapshot that cannot be restored, and why.
public struct EngineSnapshotError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
