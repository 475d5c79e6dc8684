/// An error the gateway itself answers with, in the shape of the API the client called, so that
/// the official SDKs raise their usual exceptions: Anthropic `{"type":"error","error":{...}}` and
/// OpenAI `{"error":{...}}`. The reason code is `error.code` in both.
public struct ProviderError: Error, Sendable, Equatable {
    public var status: Int
    public var kind: Kind
    public var message: String
    /// Machine-readable reason, e.g. `distillation_attack`.
    public var code: String
    public var retryAfterSeconds: Double?

    public enum Kind: Sendable, Equatable {
        case invalidRequest, authentication, permission, notFound, tooLarge, rateLimit, upstream, unavailable
    }

    public init(status: Int, kind: Kind, message: String, code: String, retryAfterSeconds: Double? = nil) {
        self.status = status
        self.kind = kind
        self.message = message
        self.code = code
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The Anthropic `error.type` and OpenAI `error.type` of each kind.
    func typeName(for provider: GatewayConfiguration.Provider) -> String {
        switch (kind, provider) {
        case (.invalidRequest, _): "invalid_request_error"
        case (.authentication, _): "authentication_error"
        case (.permission, .anthropic): "permission_error"
        case (.permission, .openai): "permission_denied"
        case (.notFound, _): "not_found_error"
        case (.tooLarge, .anthropic): "request_too_large"
        case (.tooLarge, .openai): "invalid_request_error"
        case (.rateLimit, .anthropic): "rate_limit_error"
        case (.rateLimit, .openai): "rate_limit_exceeded"
        case (.upstream, .anthropic), (.unavailable, .anthropic): "api_error"
        case (.upstream, .openai), (.unavailable, .openai): "server_error"
        }
    }

    /// The response body, as compact JSON.
    public func body(for provider: GatewayConfiguration.Provider) -> [UInt8] {
        let type = JSONValue.string(typeName(for: provider))
        let value: JSONValue
        switch provider {
        case .anthropic:
            value = ["type": "error", "error": ["type": type, "message": .string(message), "code": .string(code)]]
        case .openai:
            value = ["error": ["message": .string(message), "type": type, "param": nil, "code": .string(code)]]
        }
        var writer = JSONWriter(reservingCapacity: 256)
        writer.write(value)
        return writer.bytes
    }

    /// The error as the last event of a stream that could not be completed, in the API's shape:
    /// Anthropic's `error` event, a Chat Completions chunk holding only an `error` object (the
    /// OpenAI SDK raises `APIError` on it), or the Responses API's `error` event. It starts with a
    /// blank line, which ends an event the upstream left half-written and is otherwise ignored.
    public func streamEvent(for api: Event.API) -> [UInt8] {
        let type = JSONValue.string(typeName(for: api == .anthropicMessages ? .anthropic : .openai))
        let name: String?
        let value: JSONValue
        switch api {
        case .anthropicMessages:
            name = "error"
            value = ["type": "error", "error": ["type": type, "message": .string(message), "code": .string(code)]]
        case .openAIChatCompletions:
            name = nil
            value = ["error": ["message": .string(message), "type": type, "param": nil, "code": .string(code)]]
        case .openAIResponses:
            name = "error"
            value = ["type": "error", "code": .string(code), "message": .string(message), "param": nil]
        }
        var writer = JSONWriter(reservingCapacity: 256)
        writer.write(value)
        return Array(("\n\n" + (name.map { "event: \($0)\n" } ?? "") + "data: ").utf8) + writer.bytes + Array("\n\n".utf8)
    }

    /// The error for a policy decision that stops a request (throttle, verification, block).
    public init?(_ decision: Decision) {
        let detail = decision.reasons.isEmpty ? "" : ": " + decision.reasons.prefix(2).joined(separator: "; ")
        switch decision.action {
        case .allow, .watermark, .degrade:
            return nil
        case .throttle:
            let wait = decision.retryAfterSeconds.map { max(1, Int($0.rounded(.up))) } ?? 1
            self.init(
                status: 429, kind: .rateLimit, message: "Rate limited by usage policy; retry after \(wait) s\(detail)",
                code: decision.reason,
                retryAfterSeconds: Double(wait))
        case .requireVerification:
            let url = decision.verificationURL.map { " at \($0)" } ?? ""
            self.init(
                status: 403, kind: .permission, message: "Account verification is required\(url) before this request can be served",
                code: decision.reason)
        case .block:
            self.init(status: 403, kind: .permission, message: "Request refused by usage policy\(detail)", code: decision.reason)
        }
    }
}
