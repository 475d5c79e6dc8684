/// Reference data for regional compliance, kept as plain tables so that a reviewer can check them:
/// country codes, each country's main time zone and languages, countries of e-mail domains, and
/// the kind of network an autonomous system is.
public enum RegionData {
    /// ISO 3166-1 alpha-2 codes (officially assigned).
    public static let countryCodes: Set<String> = Set(
        """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF
        CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH
        GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW
        KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG
        NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN
        SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT
        ZA ZM ZW
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))

    /// UTC offset, in hours, of a country's main population centre (standard time).
    public static func utcOffset(_ country: String) -> Double? { offsets[country] }

    static let offsets: [String: Double] = [
        "US": -6, "CA": -5, "MX": -6, "BR": -3, "AR": -3, "CL": -4, "CO": -5, "PE": -5, "VE": -4, "CU": -5, "GB": 0, "IE": 0,
        "PT": 0, "FR": 1, "DE": 1, "ES": 1, "IT": 1, "NL": 1, "BE": 1, "PL": 1, "SE": 1, "NO": 1, "DK": 1, "CH": 1, "AT": 1, "CZ": 1,
        "NG": 1, "FI": 2, "GR": 2, "RO": 2, "UA": 2, "IL": 2, "ZA": 2, "EG": 2, "SY": 2, "RU": 3, "BY": 3, "TR": 3, "SA": 3, "IQ": 3,
        "KE": 3, "IR": 3.5, "AE": 4, "AF": 4.5, "PK": 5, "KZ": 5, "UZ": 5, "IN": 5.5, "BD": 6, "MM": 6.5, "TH": 7, "VN": 7, "ID": 7,
        "CN": 8, "HK": 8, "MO": 8, "TW": 8, "SG": 8, "MY": 8, "PH": 8, "KR": 9, "KP": 9, "JP": 9, "AU": 10, "NZ": 12,
    ]

    /// The languages most of a country's people write in (ISO 639-1), for the prompt-language signal.
    public static func languages(_ country: String) -> Set<String> {
        switch country {
        case "CN", "HK", "MO", "TW", "SG": ["zh"]
        case "RU", "BY", "KZ", "KG": ["ru"]
        case "UA": ["uk", "ru"]
        case "IR", "AF": ["fa"]
        case "KP", "KR": ["ko"]
        case "JP": ["ja"]
        case "SY", "IQ", "SA", "AE", "EG": ["ar"]
        case "CU", "VE", "ES", "MX", "AR", "CO", "CL", "PE": ["es"]
        default: []
        }
    }

    /// Consumer mail providers whose users are mostly in one country.
    static let mailProviders: [String: String] = [
        "qq.com": "CN", "163.com": "CN", "126.com": "CN", "sina.com": "CN", "sohu.com": "CN", "aliyun.com": "CN", "foxmail.com": "CN",
        "yeah.net": "CN", "mail.ru": "RU", "yandex.ru": "RU", "rambler.ru": "RU", "naver.com": "KR", "daum.net": "KR",
        "yahoo.co.jp": "JP", "gmx.de": "DE", "web.de": "DE",
    ]

    /// Two-letter top-level domains sold worldwide, which say nothing of where their owner is.
    static let genericCountryDomains: Set<String> = ["io", "ai", "co", "me", "tv", "cc", "ws", "fm", "gg", "sh", "ly", "to", "so"]

    /// The country an e-mail domain points to: a national mail provider, or a country-code TLD.
    public static func emailCountry(_ domain: String) -> String? {
        let domain = domain.lowercased()
        if let country = mailProviders[domain] { return country }
        guard let tld = domain.split(separator: ".").last, tld.count == 2, !genericCountryDomains.contains(String(tld)) else { return nil }
        let code = tld.uppercased() == "UK" ? "GB" : tld.uppercased()
        return countryCodes.contains(code) ? code : nil
    }

    /// What kind of network an autonomous system is.
    public enum NetworkKind: String, Sendable, CaseIterable, Codable {
        case hosting, vpnProxy = "vpn_proxy", residential, mobile, unknown

        /// Whether traffic from it hides where its user is.
        public var isAnonymizing: Bool { self == .hosting || self == .vpnProxy }
    }

    static let vpnWords = [
        "vpn", "proxy", "m247", "datacamp", "privax", "nordsec", "tefincom", "packethub", "surfshark", "mullvad", "tor ",
    ]
    static let hostingWords = [
        "amazon", "google", "microsoft", "digitalocean", "hetzner", "ovh", "linode", "akamai", "vultr", "alibaba", "tencent", "oracle",
        "cloud", "hosting", "host", "data center", "datacenter", "server", "colo",
    ]
    static let mobileWords = ["mobile", "wireless", "cellular", "jio", "lte", "5g"]
    static let residentialWords = [
        "telecom", "cable", "broadband", "communications", "telekom", "comcast", "internet", "fiber", "dsl", "isp",
    ]

    /// Classifies an AS by its number (the engine's list of cloud ASNs) and its organisation name.
    public static func networkKind(asn: Int?, organization: String?) -> NetworkKind {
        if let asn, DetectionEngine.cloudASNs.contains(asn) { return .hosting }
        guard let name = organization?.lowercased(), !name.isEmpty else { return .unknown }
        if vpnWords.contains(where: name.contains) { return .vpnProxy }
        if mobileWords.contains(where: name.contains) || name.hasPrefix("t-mobile") { return .mobile }
        if hostingWords.contains(where: name.contains) { return .hosting }
        if residentialWords.contains(where: name.contains) { return .residential }
        return .unknown
    }
}

/// The language of a prompt, told by its script: enough to separate Chinese, Japanese, Korean,
/// Cyrillic, Arabic-script and Persian text from Latin-script text (which is left undecided).
public enum ScriptLanguage {
    public static func detect(_ text: String) -> String? {
        var han = 0, kana = 0, hangul = 0, cyrillic = 0, arabic = 0, persian = 0, letters = 0
        for scalar in text.unicodeScalars.prefix(400) {
            let v = scalar.value
            switch v {
            case 0x4E00...0x9FFF, 0x3400...0x4DBF: han += 1
            case 0x3040...0x30FF: kana += 1
            case 0xAC00...0xD7AF, 0x1100...0x11FF: hangul += 1
            case 0x0400...0x04FF: cyrillic += 1
            case 0x067E, 0x0686, 0x0698, 0x06AF, 0x06CC: persian += 1
            case 0x0600...0x06FF: arabic += 1
            default:
                if scalar.properties.isAlphabetic { letters += 1 }
            }
        }
        let nonLatin = han + kana + hangul + cyrillic + arabic + persian
        guard nonLatin >= 4, nonLatin * 3 >= letters else { return nil }
        if kana > 0 && kana * 10 >= han { return "ja" }
        if hangul >= max(han, cyrillic, arabic + persian) { return "ko" }
        if han >= max(cyrillic, arabic + persian) { return "zh" }
        if cyrillic >= arabic + persian { return "ru" }
        return persian > 0 ? "fa" : "ar"
    }
}
