import AsyncHTTPClient
import DistillGuardCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

extension Gateway {
    /// Who is calling, as far as the gateway knows.
    struct Caller {
        var accountID: String
        var known: Bool
        var key: GatewayConfiguration.ClientKey?
    }

    /// Largest response body kept for the event log (the client always gets all of it).
    static let maximumCapturedBytes = 16 << 20

    /// Handles one model API request: authenticate, decide, forward, record.
    func proxy(
        _ request: Request, context: GatewayRequestContext, provider: GatewayConfiguration.Provider, api: Event.API?
    ) async -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let apiLabel = api?.rawValue ?? "anthropic.count_tokens"
        do {
            return try await forward(request, context: context, provider: provider, api: api, start: start)
        } catch let error as ProviderError {
            metrics.increment("dg_gateway_requests_total", ["api": apiLabel, "status": String(error.status)])
            return Self.errorResponse(error, provider: provider)
        } catch {
            logger.error("gateway request failed", metadata: ["dg.error": "\(error)", "dg.api": "\(apiLabel)"])
            let failure = ProviderError(
                status: 500, kind: .upstream, message: "The gateway failed to handle the request", code: "gateway_error")
            metrics.increment("dg_gateway_requests_total", ["api": apiLabel, "status": "500"])
            return Self.errorResponse(failure, provider: provider)
        }
    }

    private func forward(
        _ request: Request, context: GatewayRequestContext, provider: GatewayConfiguration.Provider, api: Event.API?, start: UInt64
    ) async throws -> Response {
        guard let upstream = configuration.upstreams[provider] else {
            throw ProviderError(
                status: 404, kind: .notFound, message: "No \(provider.rawValue) upstream is configured on this gateway", code: "no_upstream"
            )
        }
        let caller = try identify(request, provider: provider)
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            throw ProviderError(
                status: 413, kind: .tooLarge, message: "Request body is larger than \(configuration.maximumBodyBytes) bytes",
                code: "body_too_large")
        }
        guard let api else {
            // Token counting passes through: no policy, no event.
            return try await send(
                request, body: body, upstream: upstream, provider: provider, exchange: nil, start: start)
        }
        // Analysis health matters only to a gateway that fails closed; check it before doing any work.
        if configuration.failureMode == .closed && !analysis.health.available {
            metrics.increment("dg_gateway_decisions_total", ["action": "refuse", "reason": "analysis_unavailable"])
            throw ProviderError(
                status: 503, kind: .unavailable, message: "Abuse screening is unavailable and this gateway fails closed; retry shortly",
                code: "analysis_unavailable", retryAfterSeconds: 5)
        }
        let requestBytes = Array(body.readableBytesView)
        let parsed = try Self.parseRequest(requestBytes)
        let signature = Self.signature(parsed, api: api, accountID: caller.accountID)
        let decision = decide(caller: caller, api: api, signature: signature)
        metrics.increment("dg_gateway_decisions_total", ["action": decision.action.rawValue, "reason": decision.reason])
        var exchange = ExchangeRecord(
            id: Self.newExchangeID(), timestamp: Timestamp(seconds: Date().timeIntervalSince1970), accountID: caller.accountID, api: api,
            organizationID: caller.key?.organizationID, apiKeyID: caller.key?.keyID,
            client: clientInfo(request, context: context),
            account: caller.key?.account ?? AccountInfo(), request: requestBytes)
        if let refusal = ProviderError(decision) {
            logger.info(
                "request refused by policy",
                metadata: [
                    "dg.account.id": "\(caller.accountID)", "dg.action": "\(decision.action.rawValue)", "dg.reason": "\(decision.reason)",
                    "dg.rule": "\(decision.rule ?? "-")",
                ])
            exchange.status = refusal.status
            exchange.response = .body(refusal.body(for: provider))
            exchange.latencyMs = Self.milliseconds(since: start)
            analysis.submit(exchange)
            metrics.increment("dg_gateway_requests_total", ["api": api.rawValue, "status": String(refusal.status)])
            var response = Self.errorResponse(refusal, provider: provider)
            response.headers[Self.actionHeader] = decision.action.rawValue
            return response
        }
        var forwardBody = body
        if let degrade = decision.degrade, let rewritten = degrade.rewrite(request: parsed, api: api) {
            var writer = JSONWriter(reservingCapacity: requestBytes.count)
            writer.write(.object(rewritten))
            forwardBody = ByteBuffer(bytes: writer.bytes)
        }
        let plan = ExchangePlan(record: exchange, decision: decision, provider: provider)
        return try await send(request, body: forwardBody, upstream: upstream, provider: provider, exchange: plan, start: start)
    }

    /// An exchange on its way upstream, with what to do once the response is known.
    struct ExchangePlan: Sendable {
        var record: ExchangeRecord
        var decision: Decision
        var provider: GatewayConfiguration.Provider
    }

    static let actionHeader = HTTPField.Name("x-distillguard-action")!
    static let forwardedFor = HTTPField.Name("x-forwarded-for")!

    /// The client's address (through trusted proxies) and what the client networks file says of it.
    func clientInfo(_ request: Request, context: GatewayRequestContext) -> ClientInfo {
        let ip = configuration.clientAddress(peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[Self.forwardedFor])
        let network = configuration.network(of: ip)
        return ClientInfo(
            ip: ip, userAgent: request.headers[.userAgent], asn: network?.asn, asnOrg: network?.asnOrg, country: network?.country)
    }

    /// The account of the client's key; unknown keys are refused or passed, as configured.
    func identify(_ request: Request, provider: GatewayConfiguration.Provider) throws -> Caller {
        let key = Self.clientKey(request.headers, provider: provider)
        guard let key, !key.isEmpty else {
            throw ProviderError(status: 401, kind: .authentication, message: "Missing API key", code: "missing_api_key")
        }
        let digest = GatewayConfiguration.sha256Hex(key)
        if let known = keys[digest] { return Caller(accountID: known.accountID, known: true, key: known) }
        guard configuration.unknownKeys == .pass else {
            throw ProviderError(status: 401, kind: .authentication, message: "Invalid API key", code: "invalid_api_key")
        }
        return Caller(accountID: "unknown:" + digest.prefix(12), known: false, key: nil)
    }

    static func clientKey(_ headers: HTTPFields, provider: GatewayConfiguration.Provider) -> String? {
        if provider == .anthropic, let key = headers[HTTPField.Name("x-api-key")!] { return key }
        guard let authorization = headers[.authorization] else { return nil }
        // "Bearer KEY", the scheme in any case (RFC 9110), spaces around the key ignored.
        let bytes = authorization.utf8
        let scheme = "bearer ".utf8
        guard bytes.count > scheme.count,
            zip(bytes, scheme).allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 == $1 : $0 == $1 })
        else { return nil }
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let rest = bytes.dropFirst(scheme.count)
        guard let first = rest.firstIndex(where: { !isBlank($0) }), let last = rest.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(authorization.utf8[first...last])
    }

    static func parseRequest(_ bytes: [UInt8]) throws -> JSONObject {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw ProviderError(
                status: 400, kind: .invalidRequest, message: "Request body is not valid JSON: \(error.description)", code: "invalid_json")
        }
        guard case .object(let object) = value else {
            throw ProviderError(status: 400, kind: .invalidRequest, message: "Request body must be a JSON object", code: "invalid_request")
        }
        return object
    }

    /// The prompt's template signature; nil when the request has no text to sign, or a shape the
    /// contract cannot read (the upstream then judges the request).
    static func signature(_ request: JSONObject, api: Event.API, accountID: String) -> TemplateSignature? {
        let envelope: JSONValue = [
            "id": "pending", "timestamp": "1970-01-01T00:00:00Z", "account_id": .string(accountID), "api": .string(api.rawValue),
            "request": .object(request),
        ]
        guard let event = try? EventDecoder.decode(envelope) else { return nil }
        let prompt = event.exchange.lastUserText
        guard !prompt.isEmpty else { return nil }
        return TemplateSignature(PromptSkeleton(prompt))
    }

    func decide(caller: Caller, api: Event.API, signature: TemplateSignature?) -> Decision {
        decide(
            PolicyRequest(
                accountID: caller.accountID, knownAccount: caller.known, tier: caller.key?.account.tier, api: api, signature: signature))
    }

    func decide(_ request: PolicyRequest) -> Decision {
        let snapshot = analysis.snapshot
        let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
        return buckets.withLock { configuration.policy.decide(request, snapshot: snapshot, buckets: &$0, now: now) }
    }

    static func newExchangeID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt32
        return "gw_" + String(high, radix: 16) + String(low, radix: 16)
    }

    static func milliseconds(since start: UInt64) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }

    static func errorResponse(_ error: ProviderError, provider: GatewayConfiguration.Provider) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let wait = error.retryAfterSeconds { headers[.retryAfter] = String(Int(wait.rounded(.up))) }
        return Response(
            status: HTTPResponse.Status(code: error.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: error.body(for: provider))))
    }
}
