import DistillGuardCore
import DistillGuardStore
import Foundation
import Logging
import Synchronization

/// The enforcement points that count throttle rules in token buckets of their own: gateways
/// reading `/v1/enforcement` (`analysis.verdicts_from`) and `serve` replicas answering
/// `/v1/decide`. They are counted through the store, so every replica publishes one number in
/// the snapshot (`enforcement_points`) and each point allows its share of a rule's limits
/// (`Policy.decide`): N points together allow the limits once, wherever a load balancer sends a
/// campaign's requests.
///
/// A gateway is live for three of its refresh intervals after each read; a replica for
/// `replicaLiveSeconds` after it last marked itself, which it does at most every
/// `replicaMarkSeconds` while it answers decisions, off the request path.
final class EnforcementPoints: Sendable {
    static let replicaMarkSeconds = 5.0
    static let replicaLiveSeconds = 15.0
    /// The longest a gateway may declare between reads (an hour), and the shortest (a second).
    static let refreshRange = 1.0...3600.0

    let store: any ServiceStore
    let replicaID: String
    let logger: Logger
    private let state = Mutex(State())

    struct State {
        var count = 1
        /// Uptime (seconds) of the last mark of this replica; nil before the first decision.
        var markedAt: Double?
        var marking = false
    }

    init(store: any ServiceStore, replicaID: String, logger: Logger) {
        self.store = store
        self.replicaID = replicaID
        self.logger = logger
    }

    /// The number of live points as this replica last learnt it (1 before it learnt any).
    var count: Int { state.withLock { $0.count } }

    /// Marks gateway `id` live for three of its refreshes and returns how many points are live.
    /// A store that cannot answer leaves the last count (the verdicts are still worth enforcing).
    func gatewayRead(_ id: String, refreshSeconds: Double) async -> Int {
        let seconds = 3 * min(max(refreshSeconds, Self.refreshRange.lowerBound), Self.refreshRange.upperBound)
        do {
            let count = try await store.markEnforcementPoint("gateway:" + id, liveForSeconds: seconds)
            state.withLock { $0.count = count }
            return count
        } catch {
            warnCannotCount(error)
            return count
        }
    }

    private func warnCannotCount(_ error: any Error) {
        logger.warning(
            "cannot count the enforcement points sharing throttle limits; keeping the last count",
            metadata: ["dg.error": "\(error)", "dg.enforcement_points": "\(count)"])
    }

    /// Called for every decision this replica answers: marks it live (and learns the count) in a
    /// task of its own once every `replicaMarkSeconds`, so the decision never waits on the store.
    func decisionAnswered(now: Double) {
        let due = state.withLock { state -> Bool in
            guard !state.marking, state.markedAt.map({ now - $0 >= Self.replicaMarkSeconds }) ?? true else { return false }
            state.marking = true
            state.markedAt = now
            return true
        }
        guard due else { return }
        Task { [self] in
            do {
                let count = try await store.markEnforcementPoint("serve:" + replicaID, liveForSeconds: Self.replicaLiveSeconds)
                state.withLock { $0.count = count }
            } catch {
                warnCannotCount(error)
            }
            state.withLock { $0.marking = false }
        }
    }
}
