import DistillGuardCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension Gateway {
    /// `POST /v1/decide`: the policy's action for one event, for gateways that do not proxy through
    /// DistillGuard (Envoy ext_authz, Kong, LiteLLM callbacks). With `?record=true` the event is
    /// also analysed (send it once, with its response, after the exchange).
    func decisionEndpoint(_ request: Request) async throws -> Response {
        guard let expected = configuration.decisionAPIKey else {
            return Self.decisionError(
                404, "decision_api_disabled", "The decision API is off: set decision_api_key in the gateway configuration")
        }
        let presented = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        guard let presented, ConstantTime.equal(presented, expected) else {
            return Self.decisionError(401, "unauthorized", "A valid bearer token is required")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            return Self.decisionError(413, "body_too_large", "The event is larger than \(configuration.maximumBodyBytes) bytes")
        }
        let line = String(buffer: body)
        let event: Event
        do {
            event = try EventDecoder.decode(line: line)
        } catch {
            return Self.decisionError(400, "invalid_event", error.message, field: error.field)
        }
        let features = ExchangeFeatures(event)
        // The event's own envelope says who the account is; the caller is trusted with the decision API key.
        let caller = Caller(
            accountID: event.accountID, known: true,
            key: .init(sha256: "", accountID: event.accountID, organizationID: event.organizationID, account: event.account))
        let decision = decide(caller: caller, api: event.api, signature: event.exchange.lastUserText.isEmpty ? nil : features.signature)
        metrics.increment("dg_gateway_decisions_total", ["action": decision.action.rawValue, "reason": decision.reason])
        let record = request.uri.queryParameters.get("record")
        guard record == nil || record == "true" || record == "false" else {
            return Self.decisionError(400, "invalid_parameter", "record must be true or false (got '\(record ?? "")')", field: "record")
        }
        let recorded = record == "true" ? analysis.submit(event, line: line) : false
        return Self.json(Self.decisionJSON(decision, api: event.api, recorded: recorded), status: .ok)
    }

    static func decisionJSON(_ decision: Decision, api: Event.API, recorded: Bool) -> JSONValue {
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

    static func decisionError(_ status: Int, _ code: String, _ message: String, field: String? = nil) -> Response {
        var error: JSONObject = ["code": .string(code), "message": .string(message)]
        if let field, !field.isEmpty { error["field"] = .string(field) }
        return json(["error": .object(error)], status: HTTPResponse.Status(code: status))
    }
}
