import DistillGuardCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The two endpoints a proxy that cannot send DistillGuard a body calls: nginx's `auth_request`
/// asks `/v1/authorize` before each call (headers only: account-level decisions), and nginx's
/// `mirror` sends each request body to `/v1/mirror` for analysis. docs/integrations.md has the
/// configuration.
///
/// Both take the decision API key in `X-DistillGuard-Key` (the `Authorization` header is the
/// client's own key, which identifies the account as it does on the proxy path) and the client's
/// request path in `X-Original-URI`.
extension Gateway {
    static let decisionKeyHeader = HTTPField.Name("x-distillguard-key")!
    static let originalURIHeader = HTTPField.Name("x-original-uri")!
    static let statusHeader = HTTPField.Name("x-distillguard-status")!
    static let errorHeader = HTTPField.Name("x-distillguard-error")!
    static let reasonHeader = HTTPField.Name("x-distillguard-reason")!
    static let accountHeader = HTTPField.Name("x-distillguard-account")!

    /// `GET /v1/authorize`: 204 when the request may go on; 403 when it may not, with the status the
    /// client should get (`X-DistillGuard-Status`: 401, 403, 429 or 503), the body in the API's shape
    /// (`X-DistillGuard-Error`, one line of JSON) and `Retry-After` for a throttle. nginx passes only
    /// 2xx, 401 and 403 on from an auth subrequest, so every refusal is a 403 here and the proxy
    /// turns it into the status named. Template rules need the prompt and never match here.
    func authorizeEndpoint(_ request: Request) -> Response {
        if let failure = checkDecisionKey(request) { return failure }
        guard let (provider, api) = Self.modelCall(request.headers[Self.originalURIHeader]) else {
            // Token counting, model lists, files: not a model call, nothing to decide.
            return Self.authorized(action: "allow", account: nil)
        }
        let caller: Caller
        do {
            caller = try identify(request, provider: provider)
        } catch let refusal as ProviderError {
            return Self.refused(refusal, action: "refuse", reason: refusal.code, account: nil, provider: provider)
        } catch {
            return Self.decisionError(500, "gateway_error", "\(error)")
        }
        if configuration.failureMode == .closed && !analysis.health.available {
            metrics.increment("dg_gateway_decisions_total", ["action": "refuse", "reason": "analysis_unavailable"])
            let refusal = ProviderError(
                status: 503, kind: .unavailable, message: "Abuse screening is unavailable and this gateway fails closed; retry shortly",
                code: "analysis_unavailable", retryAfterSeconds: 5)
            return Self.refused(refusal, action: "refuse", reason: "analysis_unavailable", account: caller.accountID, provider: provider)
        }
        let decision = decide(caller: caller, api: api, signature: nil)
        metrics.increment("dg_gateway_decisions_total", ["action": decision.action.rawValue, "reason": decision.reason])
        guard let refusal = ProviderError(decision) else {
            return Self.authorized(action: decision.action.rawValue, account: caller.accountID)
        }
        logger.info(
            "request refused by policy (authorize)",
            metadata: [
                "dg.account.id": "\(caller.accountID)", "dg.action": "\(decision.action.rawValue)", "dg.reason": "\(decision.reason)",
                "dg.rule": "\(decision.rule ?? "-")",
            ])
        return Self.refused(
            refusal, action: decision.action.rawValue, reason: decision.reason, account: caller.accountID, provider: provider)
    }

    /// `POST /v1/mirror`: a copy of the client's request body (nginx `mirror`), queued for analysis
    /// as an exchange without its response. 202 when queued; 200 with `recorded: false` and the
    /// reason when it is not analysed (not a model call, no valid client key, not JSON).
    func mirrorEndpoint(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        if let failure = checkDecisionKey(request) { return failure }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            return Self.decisionError(413, "body_too_large", "The request is larger than \(configuration.maximumBodyBytes) bytes")
        }
        guard let (provider, api) = Self.modelCall(request.headers[Self.originalURIHeader]) else {
            return notRecorded(
                .notAModelCall, "X-Original-URI names no model API (…/v1/messages, …/chat/completions, …/v1/responses)")
        }
        let caller: Caller
        do {
            caller = try identify(request, provider: provider)
        } catch let refusal as ProviderError {
            return notRecorded(.unidentified, "\(refusal.code): \(refusal.message)")
        }
        let bytes = Array(body.readableBytesView)
        guard (try? Self.parseRequest(bytes)) != nil else {
            return notRecorded(.invalidJSON, "The mirrored body is not a JSON object")
        }
        let record = ExchangeRecord(
            id: Self.newExchangeID(), timestamp: Timestamp(seconds: Date().timeIntervalSince1970), accountID: caller.accountID, api: api,
            organizationID: caller.key?.organizationID, apiKeyID: caller.key?.keyID, client: clientInfo(request, context: context),
            account: caller.key?.account ?? AccountInfo(), request: bytes)
        analysis.submit(record)
        metrics.increment("dg_gateway_mirror_total", ["result": MirrorResult.recorded.rawValue])
        return Self.json(["recorded": true, "id": .string(record.id), "account_id": .string(caller.accountID)], status: .accepted)
    }

    /// The provider and API of a client's request path; nil for paths that are not model calls.
    /// Matched by suffix, so that a proxy may serve the APIs under a prefix (`/openai/v1/…`).
    static func modelCall(_ uri: String?) -> (GatewayConfiguration.Provider, Event.API)? {
        guard let uri else { return nil }
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        if trimmed.hasSuffix("/v1/messages") { return (.anthropic, .anthropicMessages) }
        if trimmed.hasSuffix("/chat/completions") { return (.openai, .openAIChatCompletions) }
        if trimmed.hasSuffix("/v1/responses") { return (.openai, .openAIResponses) }
        return nil
    }

    /// nil when the request carries the decision API key; otherwise the error to answer with.
    func checkDecisionKey(_ request: Request) -> Response? {
        guard let expected = configuration.decisionAPIKey else {
            return Self.decisionError(
                404, "decision_api_disabled", "The decision API is off: set decision_api_key in the gateway configuration")
        }
        guard let presented = request.headers[Self.decisionKeyHeader], ConstantTime.equal(presented, expected) else {
            return Self.decisionError(401, "unauthorized", "A valid X-DistillGuard-Key header (the decision API key) is required")
        }
        return nil
    }

    static func authorized(action: String, account: String?) -> Response {
        var headers = HTTPFields()
        headers[actionHeader] = action
        if let account { headers[accountHeader] = account }
        return Response(status: .noContent, headers: headers)
    }

    static func refused(
        _ refusal: ProviderError, action: String, reason: String, account: String?, provider: GatewayConfiguration.Provider
    ) -> Response {
        var headers = HTTPFields()
        headers[actionHeader] = action
        headers[reasonHeader] = reason
        headers[statusHeader] = String(refusal.status)
        headers[errorHeader] = String(decoding: refusal.body(for: provider), as: UTF8.self)
        if let account { headers[accountHeader] = account }
        if let wait = refusal.retryAfterSeconds { headers[.retryAfter] = String(max(1, Int(wait.rounded(.up)))) }
        headers[.contentType] = "application/json"
        return Response(
            status: .forbidden, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: refusal.body(for: provider))))
    }

    /// What became of a mirrored request (the `result` label of `dg_gateway_mirror_total`).
    enum MirrorResult: String, CaseIterable {
        case recorded
        case notAModelCall = "not_a_model_call"
        /// No client key, or one the gateway refuses (`unknown_keys: "refuse"`).
        case unidentified
        case invalidJSON = "invalid_json"
    }

    func notRecorded(_ result: MirrorResult, _ message: String) -> Response {
        metrics.increment("dg_gateway_mirror_total", ["result": result.rawValue])
        return Self.json(["recorded": false, "reason": .string(result.rawValue), "message": .string(message)], status: .ok)
    }
}
