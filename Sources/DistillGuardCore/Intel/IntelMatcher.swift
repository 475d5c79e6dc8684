/// Matches traffic against partner indicators: infrastructure per exchange, account-side
/// pseudonyms once per account (with the shared key), template anchors per prompt.
public struct IntelMatcher: Sendable {
    private var byKind: [IntelIndicator.Kind: [String: [IntelIndicator]]] = [:]
    private let pseudonymizer: Pseudonymizer?

    /// - Parameter pseudonymizer: the partner key; without it, pseudonymized indicators cannot match.
    public init(indicators: [IntelIndicator], pseudonymizer: Pseudonymizer?) {
        self.pseudonymizer = pseudonymizer
        for indicator in indicators { byKind[indicator.kind, default: [:]][indicator.value, default: []].append(indicator) }
    }

    public var isEmpty: Bool { byKind.isEmpty }

    func lookup(_ kind: IntelIndicator.Kind, _ value: String?, at time: Timestamp) -> IntelIndicator? {
        guard let value, let candidates = byKind[kind]?[value] else { return nil }
        return candidates.first { $0.isValid(at: time) }
    }

    /// The account's pseudonyms under the partner key: computed once per account, not per exchange.
    public func pseudonyms(for event: Event) -> [(IntelIndicator.Kind, String)] {
        guard let pseudonymizer else { return [] }
        var values: [(IntelIndicator.Kind, String)] = [(.accountID, pseudonymizer.pseudonym(event.accountID, kind: "account_id"))]
        if let payment = event.account.paymentFingerprint {
            values.append((.paymentFingerprint, pseudonymizer.pseudonym(payment, kind: "payment_fingerprint")))
        }
        if let domain = event.account.emailDomain { values.append((.emailDomain, pseudonymizer.pseudonym(domain, kind: "email_domain"))) }
        return values
    }

    /// Indicators the exchange matches, valid at its time.
    public func matches(_ event: Event, _ features: ExchangeFeatures, pseudonyms: [(IntelIndicator.Kind, String)]) -> [IntelIndicator] {
        let t = event.timestamp
        var found: [IntelIndicator] = []
        func add(_ indicator: IntelIndicator?) { if let indicator { found.append(indicator) } }
        add(lookup(.ipPrefix, AccountProfile.prefix24(event.client.ip), at: t))
        add(lookup(.ipAddress, event.client.ip, at: t))
        add(lookup(.asn, event.client.asn.map(String.init), at: t))
        add(lookup(.userAgent, event.client.userAgent, at: t))
        add(lookup(.tlsFingerprint, event.client.tlsFingerprint, at: t))
        for anchor in [features.signature.head, features.signature.tail].compactMap({ $0 }) {
            add(lookup(.templateAnchor, String(anchor, radix: 16), at: t))
        }
        for (kind, value) in pseudonyms { add(lookup(kind, value, at: t)) }
        return found
    }
}
