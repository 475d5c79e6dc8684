import DistillGuardCore
import Synchronization

/// What the policy enforces: the engine's latest verdicts with analysts' decisions applied. Both
/// hosts of analysis (the gateway's `LiveAnalysis`, serve's `AnalysisFollower`) publish through it.
///
/// Applying decisions copies the verdicts, so it runs outside the lock that the request path reads
/// (`snapshot`): a request never waits on it. Each new input (verdicts or decisions) is numbered as
/// it arrives and kept with the other one, and a result replaces the published one only when it
/// comes from newer inputs: two publications racing each other never leave the older in force,
/// and a decision recorded during a refresh is never lost from what is enforced.
final class EnforcementPublisher: Sendable {
    private struct Inputs {
        var computed = EnforcementSnapshot()
        var ledger = DecisionLedger()
        var version = 0
    }

    private let inputs = Mutex(Inputs())
    private let published = Mutex((version: 0, snapshot: EnforcementSnapshot()))

    init() {}

    /// The verdicts and flagged templates the policy reads, analysts' decisions applied.
    var snapshot: EnforcementSnapshot { published.withLock { $0.snapshot } }

    /// Publishes new verdicts with the decisions known now.
    func publish(computed: EnforcementSnapshot) {
        let (version, computed, ledger) = inputs.withLock { inputs in
            inputs.computed = computed
            inputs.version += 1
            return (inputs.version, inputs.computed, inputs.ledger)
        }
        publish(computed.applying(ledger), version: version)
    }

    /// Publishes the verdicts with `ledger`'s decisions. Returns false, publishing nothing, when
    /// `ledger` rules on the same accounts alike as the one in force.
    @discardableResult
    func publish(ledger: DecisionLedger) -> Bool {
        let next: (version: Int, computed: EnforcementSnapshot)? = inputs.withLock { inputs in
            guard inputs.ledger.accounts != ledger.accounts else { return nil }
            inputs.ledger = ledger
            inputs.version += 1
            return (inputs.version, inputs.computed)
        }
        guard let next else { return false }
        publish(next.computed.applying(ledger), version: next.version)
        return true
    }

    private func publish(_ snapshot: EnforcementSnapshot, version: Int) {
        // The snapshot replaced is returned, so that it is freed after the lock, not under it.
        let replaced: EnforcementSnapshot? = published.withLock { published in
            guard version > published.version else { return nil }
            defer { published = (version, snapshot) }
            return published.snapshot
        }
        _ = consume replaced
    }
}
