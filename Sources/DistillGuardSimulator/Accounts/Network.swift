import DistillGuardCore

/// Where simulated traffic comes from: autonomous systems, address blocks, clients.
enum Network {
    struct AutonomousSystem {
        var number: Int
        var organization: String
        /// First two octets of the blocks this AS announces in the simulation.
        var prefixes: [(UInt8, UInt8)]
        /// Country where a consumer network operates (nil for global networks).
        var country: String? = nil
    }

    /// Networks of `kind` suited to an account in `country`: consumer and mobile networks of that
    /// country when the simulation knows one, else any.
    static func systems(_ kind: Population.Network, country: String) -> [AutonomousSystem] {
        let all = systems(kind)
        let local = all.filter { $0.country == country }
        return local.isEmpty ? all : local
    }

    static let residential: [AutonomousSystem] = [
        .init(number: 7922, organization: "Comcast Cable Communications", prefixes: [(73, 12), (98, 204), (24, 6)], country: "US"),
        .init(number: 3320, organization: "Deutsche Telekom AG", prefixes: [(79, 192), (91, 38), (84, 150)], country: "DE"),
        .init(number: 2856, organization: "British Telecommunications PLC", prefixes: [(81, 129), (86, 160)], country: "GB"),
        .init(number: 4766, organization: "Korea Telecom", prefixes: [(121, 160), (175, 192)], country: "KR"),
        .init(number: 17676, organization: "SoftBank Corp.", prefixes: [(126, 10), (60, 70)], country: "JP"),
        .init(number: 28573, organization: "Claro NXT Telecomunicacoes", prefixes: [(177, 32), (189, 120)], country: "BR"),
        .init(number: 3215, organization: "Orange S.A.", prefixes: [(90, 12), (86, 200)], country: "FR"),
        .init(number: 24560, organization: "Bharti Airtel Ltd.", prefixes: [(122, 161), (182, 68)], country: "IN"),
        .init(number: 7018, organization: "AT&T Services, Inc.", prefixes: [(99, 40), (108, 212)], country: "US"),
        .init(number: 3352, organization: "Telefonica de Espana", prefixes: [(83, 32), (88, 12)], country: "ES"),
        .init(number: 6830, organization: "Liberty Global B.V.", prefixes: [(84, 24), (62, 163)], country: "NL"),
        .init(number: 812, organization: "Rogers Communications Canada Inc.", prefixes: [(99, 224), (174, 112)], country: "CA"),
        .init(number: 1221, organization: "Telstra Limited", prefixes: [(1, 120), (101, 160)], country: "AU"),
        .init(number: 8151, organization: "UNINET (Telmex)", prefixes: [(187, 140), (189, 216)], country: "MX"),
        .init(number: 3269, organization: "Telecom Italia S.p.A.", prefixes: [(79, 20), (87, 16)], country: "IT"),
        .init(number: 4134, organization: "China Telecom", prefixes: [(113, 64), (180, 160)], country: "CN"),
    ]

    /// Consumer networks of the countries people reach the API from when they are at home (a
    /// proxy outage of operators abroad, a visit home): kept apart from `residential`, so that
    /// populations without `home_network_share` draw their networks as before.
    static let home: [AutonomousSystem] = [
        .init(number: 4134, organization: "China Telecom", prefixes: [(113, 64), (180, 160)], country: "CN"),
        .init(number: 4837, organization: "China Unicom", prefixes: [(123, 112), (221, 192)], country: "CN"),
        .init(number: 12389, organization: "Rostelecom", prefixes: [(95, 24), (178, 64)], country: "RU"),
        .init(number: 8359, organization: "MTS PJSC", prefixes: [(89, 179), (212, 74)], country: "RU"),
        .init(number: 58224, organization: "Iran Telecommunication Company PJS", prefixes: [(5, 200), (2, 176)], country: "IR"),
        .init(number: 44244, organization: "Iran Cell Service and Communication Company", prefixes: [(5, 112)], country: "IR"),
    ]

    /// A consumer network at home in `country`.
    static func homeNetwork(_ country: String, _ rng: inout SeededRandom) -> (ip: String, system: AutonomousSystem) {
        let system = rng.pick((home + residential).filter { $0.country == country })
        return (ip(in: system, &rng), system)
    }

    static func hasHomeNetwork(_ country: String) -> Bool { homeCountries.contains(country) }

    /// Countries with a consumer network in the simulation.
    static let homeCountries = Set((home + residential).compactMap(\.country)).sorted()

    static let mobile: [AutonomousSystem] = [
        .init(number: 21928, organization: "T-Mobile USA, Inc.", prefixes: [(172, 56), (172, 58)], country: "US"),
        .init(number: 55836, organization: "Reliance Jio Infocomm Limited", prefixes: [(49, 36), (157, 32)], country: "IN"),
        .init(number: 12430, organization: "Vodafone Espana S.A.U.", prefixes: [(37, 133)], country: "ES"),
    ]

    static let cloud: [AutonomousSystem] = [
        .init(number: 16509, organization: "Amazon.com, Inc.", prefixes: [(3, 80), (18, 204), (52, 14), (54, 201)]),
        .init(number: 15169, organization: "Google LLC", prefixes: [(34, 82), (35, 190)]),
        .init(number: 8075, organization: "Microsoft Corporation", prefixes: [(20, 42), (40, 117)]),
        .init(number: 14061, organization: "DigitalOcean, LLC", prefixes: [(159, 65), (167, 99)]),
        .init(number: 24940, organization: "Hetzner Online GmbH", prefixes: [(95, 216), (135, 181)]),
        .init(number: 16276, organization: "OVH SAS", prefixes: [(51, 68), (54, 37)]),
        .init(number: 45102, organization: "Alibaba (US) Technology Co., Ltd.", prefixes: [(47, 88), (8, 209)]),
        .init(number: 132203, organization: "Tencent Building, Kejizhongyi Avenue", prefixes: [(43, 135), (129, 226)]),
    ]

    static let vpn: [AutonomousSystem] = [
        .init(number: 9009, organization: "M247 Europe SRL", prefixes: [(185, 156), (89, 187)]),
        .init(number: 60068, organization: "Datacamp Limited", prefixes: [(84, 17), (212, 102)]),
        .init(number: 207137, organization: "PacketHub S.A.", prefixes: [(45, 134)]),
    ]

    static let corporate: [AutonomousSystem] = [
        .init(number: 64512, organization: "Northwind Traders Corporate Network", prefixes: [(192, 0)]),
        .init(number: 64513, organization: "Globex Corporation", prefixes: [(198, 51)]),
    ]

    static let campus: [AutonomousSystem] = [
        .init(number: 1742, organization: "Example State University", prefixes: [(128, 103)])
    ]

    static func systems(_ network: Population.Network) -> [AutonomousSystem] {
        switch network {
        case .residential, .proxy: residential
        case .mobile: mobile
        case .cloud: cloud
        case .corporate: corporate
        case .campus: campus
        case .vpn: vpn
        }
    }

    /// UTC offset in hours of a country's main population centre (the same table the compliance assessment reads).
    static func timeZoneOffset(country: String) -> Double? { RegionData.utcOffset(country) }

    static func ip(in system: AutonomousSystem, _ rng: inout SeededRandom) -> String {
        let prefix = rng.pick(system.prefixes)
        return "\(prefix.0).\(prefix.1).\(rng.int(0...255)).\(rng.int(1...254))"
    }

    /// A client library as it identifies itself on the wire.
    struct Client {
        var userAgent: String
        var tlsFingerprint: String
        var httpFingerprint: String
    }

    static func client(api: String, _ rng: inout SeededRandom) -> Client {
        let python = ("t13d1812h1_85036bcba153_375ca2c5e164", "h1:python-httpx")
        let node = ("t13d1516h2_8daaf6152771_02713d6af862", "h2:1:65536:6291456")
        let go = ("t13d1311h2_f57a46bbacb6_e7c285222651", "h2:1:65535:4194304")
        let curl = ("t13d3112h2_e8f1e7e78f70_6bebaf5329ac", "h2:3:100:10485760")
        let roll = rng.unit()
        if api == "anthropic.messages" {
            if roll < 0.55 {
                return Client(
                    userAgent: "Anthropic/Python \(rng.pick(["0.49.0", "0.52.2", "0.57.1", "0.64.0"]))", tlsFingerprint: python.0,
                    httpFingerprint: python.1)
            }
            if roll < 0.85 {
                return Client(
                    userAgent: "Anthropic/JS \(rng.pick(["0.39.0", "0.50.4", "0.56.0"]))", tlsFingerprint: node.0, httpFingerprint: node.1)
            }
        } else {
            if roll < 0.55 {
                return Client(
                    userAgent: "OpenAI/Python \(rng.pick(["1.76.0", "1.99.9", "2.3.0", "2.8.1"]))", tlsFingerprint: python.0,
                    httpFingerprint: python.1)
            }
            if roll < 0.85 {
                return Client(
                    userAgent: "OpenAI/JS \(rng.pick(["4.96.0", "5.12.2", "6.1.0"]))", tlsFingerprint: node.0, httpFingerprint: node.1)
            }
        }
        if roll < 0.93 { return Client(userAgent: "Go-http-client/2.0", tlsFingerprint: go.0, httpFingerprint: go.1) }
        return Client(userAgent: "curl/\(rng.pick(["7.88.1", "8.5.0", "8.11.1"]))", tlsFingerprint: curl.0, httpFingerprint: curl.1)
    }
}
