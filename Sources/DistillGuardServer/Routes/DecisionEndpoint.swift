import DistillGuardCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `POST /v1/decide`, answered alike by the gateway and by `serve`: the policy's action for one
/// event of the events contract, over the verdicts the host publishes, for proxies that do not
/// route through DistillGuard (LiteLLM, Envoy ext_authz, Kong). With `?record=true` the event is
/// also handed to analysis (send it once, with its response, after the exchange).
///
/// The event's own envelope names the account: the caller is trusted with the decision API key.
struct DecisionEndpoint: Sendable {
    /// Keys a caller may present as a bearer token; empty turns the API off (404).
    var keys: [String]
    /// How to turn it on, for the 404 of a host without keys.
    var howToEnable: String
    var maximumBodyBytes: Int
    /// The policy's decision, with the host's verdicts and token buckets.
    var decide: @Sendable (PolicyRequest) -> Decision
    /// Hands the event (and its line, compact JSON) to analysis; false when it was not taken.
    var record: @Sendable (Event, String) async -> Bool
    /// Counts each decision by action and reason.
    var count: @Sendable (Decision) -> Void

    func respond(to request: Request) async throws -> Response {
        guard !keys.isEmpty else {
            return Self.error(404, "decision_api_disabled", "The decision API is off: \(howToEnable)")
        }
        let presented = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        guard let presented, keys.reduce(false, { ConstantTime.equal(presented, $1) || $0 }) else {
            return Self.error(401, "unauthorized", "A valid bearer token (the decision API key) is required")
        }
        let record = request.uri.queryParameters.get("record")
        guard record == nil || record == "true" || record == "false" else {
            return Self.error(400, "invalid_parameter", "record must be true or false (got '\(record ?? "")')", field: "record")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            return Self.error(413, "body_too_large", "The event is larger than \(maximumBodyBytes) bytes")
        }
        let value: JSONValue
        let event: Event
        do {
            value = try body.withUnsafeReadableBytes { try JSONParser.parse($0) }
        } catch {
            return Self.error(400, "invalid_event", "\(error)")
        }
        do {
            event = try EventDecoder.decode(value)
        } catch {
            return Self.error(400, "invalid_event", error.message, field: error.field)
        }
        let prompt = event.exchange.lastUserText
        let decision = decide(
            PolicyRequest(
                accountID: event.accountID, knownAccount: true, tier: event.account.tier, api: event.api,
                signature: prompt.isEmpty ? nil : ExchangeFeatures(event).signature))
        count(decision)
        var recorded = false
        if record == "true" {
            // One line of compact JSON, whatever the body's layout: what the event log and the store hold.
            var writer = JSONWriter(reservingCapacity: body.readableBytes)
            writer.write(value)
            recorded = await self.record(event, String(decoding: writer.bytes, as: UTF8.self))
        }
        return .json(Self.json(decision, api: event.api, recorded: recorded))
    }

    /// The decision in the API's shape (the `Decision` schema of both OpenAPI documents).
    static func json(_ decision: Decision, api: Event.API, recorded: Bool) -> JSONValue {
        var object: JSONObject = [
            "action": .string(decision.action.rawValue), "reason": .string(decision.reason),
            "rule": decision.rule.map(JSONValue.string) ?? .null, "reasons": .array(decision.reasons.map(JSONValue.string)),
            "recorded": .bool(recorded),
        ]
        if let wait = decision.retryAfterSeconds { object["retry_after_seconds"] = .int(Int64(max(1, wait.rounded(.up)))) }
        if let degrade = decision.degrade {
            object["degrade"] = [
                "strip_reasoning": .bool(degrade.stripReasoning),
                "max_output_tokens": degrade.maximumOutputTokens.map { .int(Int64($0)) } ?? .null,
            ]
        }
        if let url = decision.verificationURL { object["verification_url"] = .string(url) }
        if let refusal = ProviderError(decision) {
            let provider: GatewayConfiguration.Provider = api == .anthropicMessages ? .anthropic : .openai
            object["status"] = .int(Int64(refusal.status))
            object["error_body"] = (try? JSONParser.parse(refusal.body(for: provider))) ?? .null
        }
        return .object(object)
    }

    /// An error of the decision API: `{"error": {"code", "message", "field"?}}`.
    static func error(_ status: Int, _ code: String, _ message: String, field: String? = nil) -> Response {
        var error: JSONObject = ["code": .string(code), "message": .string(message)]
        if let field, !field.isEmpty { error["field"] = .string(field) }
        var response = Response.json(["error": .object(error)], status: HTTPResponse.Status(code: status))
        if status == 401 { response.headers[.wwwAuthenticate] = "Bearer" }
        return response
    }
}
