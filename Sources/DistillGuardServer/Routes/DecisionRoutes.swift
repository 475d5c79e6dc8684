import DistillGuardCore
import Foundation
import Hummingbird
import Synchronization

/// `POST /v1/decide` on `serve` (`DecisionEndpoint`): the configured policy's decision over the
/// verdicts and flagged templates analysis publishes (analysts' decisions applied), for proxies
/// that ask before each call, such as the LiteLLM integration. Throttle rules count in this
/// process, which allows its share of their limits (`EnforcementPoints`). With `?record=true` the
/// event is stored as ingest stores it.
///
/// Needs a decision key (`--decision-key-file` or `DISTILLGUARD_DECISION_KEY`); without one the
/// route answers 404 `decision_api_disabled`.
final class DecisionRoutes: Sendable {
    let policy: Policy
    let keys: [String]
    let follower: AnalysisFollower
    let ingest: IngestRoutes
    let metrics: MetricsRegistry
    let maximumBodyBytes: Int
    let enforcementPoints: EnforcementPoints
    private let buckets = Mutex(TokenBuckets())

    init(
        policy: Policy, keys: [String], follower: AnalysisFollower, ingest: IngestRoutes, metrics: MetricsRegistry, maximumBodyBytes: Int,
        enforcementPoints: EnforcementPoints
    ) {
        self.policy = policy
        self.keys = keys
        self.follower = follower
        self.ingest = ingest
        self.metrics = metrics
        self.maximumBodyBytes = maximumBodyBytes
        self.enforcementPoints = enforcementPoints
    }

    func register(on router: Router<some RequestContext>) {
        metrics.describe("dg_decisions_total", type: "counter", help: "Decisions of POST /v1/decide by action and reason code.", series: [])
        let endpoint = DecisionEndpoint(
            keys: keys, howToEnable: "start serve with --decision-key-file or DISTILLGUARD_DECISION_KEY",
            maximumBodyBytes: maximumBodyBytes, decide: { [self] in decide($0) },
            record: { [ingest] event, line in await ingest.record(event, line: line) },
            count: { [metrics] in metrics.increment("dg_decisions_total", ["action": $0.action.rawValue, "reason": $0.reason]) })
        router.post("/v1/decide") { request, _ in try await endpoint.respond(to: request) }
    }

    func decide(_ request: PolicyRequest) -> Decision {
        var snapshot = follower.snapshot
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        enforcementPoints.decisionAnswered(now: now)
        snapshot.enforcementPoints = enforcementPoints.count
        return buckets.withLock { policy.decide(request, snapshot: snapshot, buckets: &$0, now: now) }
    }
}
