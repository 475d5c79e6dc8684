/// One API exchange, as defined by the event-log contract (`docs/event-format.md`).
///
/// The envelope carries what the platform knows about the caller; `exchange` is the normalized
/// view of the provider-native request and response, and `request`/`response` keep the native
/// JSON exactly as it arrived.
public struct Event: Sendable {
    public var id: String
    public var timestamp: Timestamp
    public var accountID: String
    public var api: API
    public var request: JSONObject
    public var response: JSONObject?
    public var organizationID: String?
    public var apiKeyID: String?
    /// The caller's own end user, from the envelope or else the request (`metadata.user_id`, `user`, `safety_identifier`).
    public var endUserID: String?
    public var client: ClientInfo
    public var account: AccountInfo
    /// Token usage: the envelope's `usage` where given, else the response's own usage block.
    public var usage: Usage
    public var status: Int?
    public var latencyMs: Double?
    public var exchange: Exchange

    /// The provider APIs whose native shapes the contract accepts.
    public enum API: String, Sendable, CaseIterable, Hashable {
        case anthropicMessages = "anthropic.messages"
        case openAIChatCompletions = "openai.chat_completions"
        case openAIResponses = "openai.responses"
    }
}

/// The network and software the request came from (all optional).
public struct ClientInfo: Sendable, Equatable {
    public var ip: String?
    public var userAgent: String?
    public var asn: Int?
    public var asnOrg: String?
    public var country: String?
    public var tlsFingerprint: String?
    public var httpFingerprint: String?

    public init(
        ip: String? = nil, userAgent: String? = nil, asn: Int? = nil, asnOrg: String? = nil, country: String? = nil,
        tlsFingerprint: String? = nil, httpFingerprint: String? = nil
    ) {
        self.ip = ip
        self.userAgent = userAgent
        self.asn = asn
        self.asnOrg = asnOrg
        self.country = country
        self.tlsFingerprint = tlsFingerprint
        self.httpFingerprint = httpFingerprint
    }
}

/// What the platform knows about the billed account (all optional).
public struct AccountInfo: Sendable, Equatable, Codable {
    public var createdAt: Timestamp?
    /// One of `AccountInfo.knownTiers`; other values are kept as given.
    public var tier: String?
    public var paymentFingerprint: String?
    public var emailDomain: String?
    public var verified: Bool?
    public var declaredCountry: String?
    /// Country of the payment method: a DistillGuard extension of the contract (`account.payment_country`),
    /// read when present for regional compliance; events without it lose only that signal.
    public var paymentCountry: String?

    public static let knownTiers: Set<String> = [
        "free", "standard", "education", "research", "startup", "enterprise", "reseller",
    ]

    public init(
        createdAt: Timestamp? = nil, tier: String? = nil, paymentFingerprint: String? = nil,
        emailDomain: String? = nil, verified: Bool? = nil, declaredCountry: String? = nil, paymentCountry: String? = nil
    ) {
        self.paymentCountry = paymentCountry
        self.createdAt = createdAt
        self.tier = tier
        self.paymentFingerprint = paymentFingerprint
        self.emailDomain = emailDomain
        self.verified = verified
        self.declaredCountry = declaredCountry
    }
}

/// Tokens consumed by one exchange.
public struct Usage: Sendable, Equatable {
    public var inputTokens: Int?
    public var outputTokens: Int?
    public var reasoningTokens: Int?

    public init(inputTokens: Int? = nil, outputTokens: Int? = nil, reasoningTokens: Int? = nil) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.reasoningTokens = reasoningTokens
    }

    /// Fills fields this usage lacks from `other`.
    func filling(from other: Usage) -> Usage {
        Usage(
            inputTokens: inputTokens ?? other.inputTokens,
            outputTokens: outputTokens ?? other.outputTokens,
            reasoningTokens: reasoningTokens ?? other.reasoningTokens
        )
    }
}
