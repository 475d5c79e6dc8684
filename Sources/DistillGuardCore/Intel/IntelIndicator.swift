/// One partner indicator DistillGuard can match against traffic.
public struct IntelIndicator: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case ipPrefix = "ip_prefix"
        case ipAddress = "ip_address"
        case asn
        case userAgent = "user_agent"
        case tlsFingerprint = "tls_fingerprint"
        case paymentFingerprint = "payment_fingerprint"
        case emailDomain = "email_domain"
        case accountID = "account_id"
        case templateAnchor = "template_anchor"

        /// Artefacts that point at the accounts themselves (pseudonyms, templates), as opposed to
        /// shared infrastructure that innocent customers may also use.
        public var isAccountSide: Bool {
            switch self {
            case .paymentFingerprint, .emailDomain, .accountID, .templateAnchor: true
            default: false
            }
        }

        /// What the evidence sentence calls it.
        public var phrase: String {
            switch self {
            case .ipPrefix: "network"
            case .ipAddress: "IP address"
            case .asn: "autonomous system"
            case .userAgent: "client software"
            case .tlsFingerprint: "TLS fingerprint"
            case .paymentFingerprint: "payment fingerprint"
            case .emailDomain: "e-mail domain"
            case .accountID: "account id"
            case .templateAnchor: "prompt template"
            }
        }
    }

    public var objectID: String
    public var producer: String
    public var kind: Kind
    /// The value to match: a prefix like `3.80.1.0/24`, an ASN, a pseudonym in hex, an anchor in hex.
    public var value: String
    public var validFrom: Timestamp
    public var validUntil: Timestamp?
    public var confidence: Int?

    public init(
        objectID: String, producer: String, kind: Kind, value: String, validFrom: Timestamp, validUntil: Timestamp?, confidence: Int?
    ) {
        self.objectID = objectID
        self.producer = producer
        self.kind = kind
        self.value = value
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.confidence = confidence
    }

    public func isValid(at time: Timestamp) -> Bool {
        time >= validFrom && (validUntil.map { time < $0 } ?? true)
    }
}
