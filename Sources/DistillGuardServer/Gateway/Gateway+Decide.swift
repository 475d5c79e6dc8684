import DistillGuardCore
import Hummingbird

extension Gateway {
    /// `POST /v1/decide` (`DecisionEndpoint`) over this gateway's verdicts; `?record=true` queues
    /// the event for the gateway's own analysis.
    func decisionEndpoint(_ request: Request) async throws -> Response {
        let endpoint = DecisionEndpoint(
            keys: configuration.decisionAPIKey.map { [$0] } ?? [],
            howToEnable: "set decision_api_key in the gateway configuration", maximumBodyBytes: configuration.maximumBodyBytes,
            decide: { self.decide($0) },
            record: { event, line in self.analysis.submit(event, line: line) },
            count: { self.metrics.increment("dg_gateway_decisions_total", ["action": $0.action.rawValue, "reason": $0.reason]) })
        return try await endpoint.respond(to: request)
    }

    static func decisionError(_ status: Int, _ code: String, _ message: String, field: String? = nil) -> Response {
        DecisionEndpoint.error(status, code, message, field: field)
    }
}
