/// What an account's traffic says about where its people are, accumulated in bounded memory:
/// the countries of its client IPs, the kinds of network, and the script language of its prompts.
public struct RegionTraits: Sendable, Codable {
    public private(set) var exchanges = 0
    /// Exchanges by client-IP country (at most `slots` countries; the rest are counted in `otherCountries`).
    public private(set) var ipCountries: [String: Int] = [:]
    public private(set) var otherCountries = 0
    /// Exchanges by `RegionData.NetworkKind`.
    public private(set) var networks: [RegionData.NetworkKind: Int] = [:]
    /// Prompts by detected language (`ScriptLanguage`); Latin-script prompts are not counted.
    public private(set) var languages: [String: Int] = [:]
    private var lastASN: LastNetwork?

    /// The network of the latest exchange, so that a run of exchanges from one network is classified once.
    struct LastNetwork: Sendable, Codable {
        var asn: Int?
        var organization: String?
        var kind: RegionData.NetworkKind
    }

    static let slots = 8

    public init() {}

    mutating func add(_ event: Event) {
        exchanges += 1
        if let country = event.client.country {
            if ipCountries[country] != nil || ipCountries.count < Self.slots {
                ipCountries[country, default: 0] += 1
            } else {
                otherCountries += 1
            }
        }
        let asn = event.client.asn
        let organization = event.client.asnOrg
        let kind: RegionData.NetworkKind
        if let last = lastASN, last.asn == asn, last.organization == organization {
            kind = last.kind
        } else {
            kind = RegionData.networkKind(asn: asn, organization: organization)
            lastASN = LastNetwork(asn: asn, organization: organization, kind: kind)
        }
        networks[kind, default: 0] += 1
        if let language = ScriptLanguage.detect(event.exchange.lastUserText), languages[language] != nil || languages.count < Self.slots {
            languages[language, default: 0] += 1
        }
    }

    /// Share of exchanges from IPs in `country`.
    public func share(ipCountry country: String) -> Double {
        exchanges > 0 ? Double(ipCountries[country] ?? 0) / Double(exchanges) : 0
    }

    /// Share of exchanges over hosting, VPN or proxy networks.
    public var anonymizingShare: Double {
        exchanges > 0 ? Double((networks[.hosting] ?? 0) + (networks[.vpnProxy] ?? 0)) / Double(exchanges) : 0
    }

    /// Share of prompts in any of `languages`.
    public func share(languages wanted: Set<String>) -> Double {
        exchanges > 0 ? Double(wanted.reduce(0) { $0 + (languages[$1] ?? 0) }) / Double(exchanges) : 0
    }

    /// The client-IP country of most exchanges.
    public var mainIPCountry: String? { ipCountries.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key }
}
