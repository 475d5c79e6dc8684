import Crypto

/// Builds a STIX 2.1 bundle of indicators from a verdicts file (docs/intel.md).
///
/// For every `attack` cluster (and every `attack` account outside a cluster): a Campaign; Indicators
/// for its infrastructure (IPv4 /24 prefixes, ASNs, client software and TLS fingerprints), for its
/// account-side artefacts as keyed pseudonyms (payment fingerprints, e-mail domains, account ids),
/// and for its prompt templates (custom pattern type `x-distillguard-template`); Relationships
/// tying indicators to the campaign and the campaign to an Attack Pattern that references MITRE
/// ATLAS. Confidence comes from the verdict score, validity from its first flag to its last
/// activity plus `validDays`.
public struct STIXExporter {
    public var producer: String
    public var pseudonymizer: Pseudonymizer
    public var validDays: Double
    /// When the bundle is made (`created`/`modified` of every object).
    public var now: Timestamp

    public init(producer: String, pseudonymizer: Pseudonymizer, validDays: Double = 30, now: Timestamp) {
        self.producer = producer
        self.pseudonymizer = pseudonymizer
        self.validDays = validDays
        self.now = now
    }

    /// The ATLAS technique for extracting a model through its inference API.
    public static let atlasTechnique = (
        id: "AML.T0024.002", name: "Extract AI Model", url: "https://atlas.mitre.org/techniques/AML.T0024.002"
    )
    /// The custom pattern type of template indicators.
    public static let templatePatternType = "x-distillguard-template"

    struct Campaign {
        var name: String
        var score: Double
        var firstSeen: Timestamp
        var lastSeen: Timestamp
        var accounts: [String]
        var payments: [String]
        var domains: [String]
        var artefacts: JSONValue
        var templates: [String]
    }

    /// Reads the campaigns to share out of a verdicts file.
    static func campaigns(_ verdicts: JSONValue) throws -> (campaigns: [Campaign], templates: [String: [String]]) {
        guard let accounts = verdicts["accounts"]?.arrayValue, let clusters = verdicts["clusters"]?.arrayValue else {
            throw IntelError(description: "not a verdicts file: `accounts` and `clusters` arrays are required")
        }
        var anchors: [String: [String]] = [:]
        for template in verdicts["templates"]?.arrayValue ?? [] {
            if let id = template["template_id"]?.stringValue, template["verdict"] == "attack" {
                anchors[id] = template["anchors"]?.arrayValue?.compactMap(\.stringValue) ?? []
            }
        }
        func time(_ value: JSONValue?) -> Timestamp? { value?.stringValue.flatMap { Timestamp(rfc3339: $0) } }
        // Members of a cluster below `attack` (a person is to look at them, e.g. an established
        // customer held at review) are not shared, nor is a card or mail domain only they use.
        var belowAttack: [String: (payment: String?, domain: String?)] = [:]
        var attackPayments = Set<String>()
        var attackDomains = Set<String>()
        for account in accounts {
            guard let id = account["account_id"]?.stringValue else { continue }
            let payment = account["payment_fingerprint"]?.stringValue
            let domain = account["email_domain"]?.stringValue
            if account["verdict"] == "attack" {
                if let payment { attackPayments.insert(payment) }
                if let domain { attackDomains.insert(domain) }
            } else {
                belowAttack[id] = (payment, domain)
            }
        }
        var result: [Campaign] = []
        for cluster in clusters where cluster["verdict"] == "attack" {
            guard let name = cluster["cluster_id"]?.stringValue, let first = time(cluster["first_flagged_at"]) else { continue }
            let members = cluster["accounts"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let withheld = members.compactMap { belowAttack[$0] }
            let onlyWithheld = (
                payments: Set(withheld.compactMap(\.payment)).subtracting(attackPayments),
                domains: Set(withheld.compactMap(\.domain)).subtracting(attackDomains)
            )
            result.append(
                Campaign(
                    name: name, score: cluster["score"]?.doubleValue ?? 0.9, firstSeen: first,
                    lastSeen: time(cluster["last_seen_at"]) ?? first,
                    accounts: members.filter { belowAttack[$0] == nil },
                    payments: (cluster["payment_fingerprints"]?.arrayValue?.compactMap(\.stringValue) ?? []).filter {
                        !onlyWithheld.payments.contains($0)
                    },
                    domains: (cluster["email_domains"]?.arrayValue?.compactMap(\.stringValue) ?? []).filter {
                        !onlyWithheld.domains.contains($0)
                    },
                    artefacts: cluster["artefacts"] ?? [:],
                    templates: cluster["templates"]?.arrayValue?.compactMap(\.stringValue) ?? []))
        }
        for account in accounts where account["verdict"] == "attack" && (account["cluster_id"]?.isNull ?? true) {
            guard let id = account["account_id"]?.stringValue, let first = time(account["first_flagged_at"]) else { continue }
            result.append(
                Campaign(
                    name: "account \(id)", score: account["score"]?.doubleValue ?? 0.9, firstSeen: first,
                    lastSeen: time(account["last_seen_at"]) ?? first, accounts: [id],
                    payments: account["payment_fingerprint"]?.stringValue.map { [$0] } ?? [],
                    domains: account["email_domain"]?.stringValue.map { [$0] } ?? [], artefacts: account["artefacts"] ?? [:], templates: [])
            )
        }
        return (result, anchors)
    }

    /// The bundle for a verdicts file.
    public func bundle(verdicts: JSONValue) throws -> JSONValue {
        let (campaigns, anchors) = try Self.campaigns(verdicts)
        let identity = Self.id("identity", producer)
        var objects: [JSONValue] = [
            [
                "type": "identity", "spec_version": "2.1", "id": .string(identity), "created": .string(stamp(now)),
                "modified": .string(stamp(now)),
                "name": .string(producer), "identity_class": "organization",
            ]
        ]
        let attackPattern = Self.id("attack-pattern", Self.atlasTechnique.id)
        objects.append(
            common("attack-pattern", attackPattern, identity)
                + [
                    "name": "LLM distillation through coordinated output harvesting",
                    "description": "Harvesting a model's outputs at scale through many coordinated accounts to train another model.",
                    "external_references": [
                        [
                            "source_name": "mitre-atlas", "external_id": .string(Self.atlasTechnique.id),
                            "url": .string(Self.atlasTechnique.url),
                            "description": .string(Self.atlasTechnique.name),
                        ]
                    ],
                ])
        var indicatorCount = 0
        for campaign in campaigns {
            let campaignID = Self.id("campaign", producer + campaign.name + String(campaign.firstSeen.milliseconds))
            let confidence = Int64((min(max(campaign.score, 0), 1) * 100).rounded())
            objects.append(
                common("campaign", campaignID, identity)
                    + [
                        "name": .string("DistillGuard \(campaign.name)"),
                        "description": .string("Distillation campaign of \(campaign.accounts.count) account(s) flagged by DistillGuard."),
                        "first_seen": .string(stamp(campaign.firstSeen)),
                        "last_seen": .string(stamp(max(campaign.lastSeen, campaign.firstSeen))),
                        "confidence": .int(confidence),
                    ])
            objects.append(relationship("uses", from: campaignID, to: attackPattern, identity: identity))
            var seen = Set<String>()
            for (name, pattern, type) in patterns(campaign, anchors: anchors) where seen.insert(pattern).inserted {
                let indicatorID = Self.id("indicator", campaignID + pattern)
                objects.append(
                    common("indicator", indicatorID, identity)
                        + [
                            "name": .string(name),
                            "description": .string(
                                "Seen in a distillation campaign of \(campaign.accounts.count) account(s) detected by DistillGuard between \(stamp(campaign.firstSeen)) and \(stamp(max(campaign.lastSeen, campaign.firstSeen)))."
                            ),
                            "indicator_types": ["malicious-activity"], "pattern": .string(pattern),
                            "pattern_type": .string(type), "valid_from": .string(stamp(campaign.firstSeen)),
                            "valid_until": .string(stamp(max(campaign.lastSeen, campaign.firstSeen).adding(seconds: validDays * 86_400))),
                            "confidence": .int(confidence),
                        ])
                if type == "stix" { objects[objects.count - 1] = objects[objects.count - 1] + ["pattern_version": "2.1"] }
                objects.append(relationship("indicates", from: indicatorID, to: campaignID, identity: identity))
                indicatorCount += 1
            }
        }
        return [
            "type": "bundle", "id": .string(Self.id("bundle", producer + String(now.milliseconds) + String(indicatorCount))),
            "objects": .array(objects),
        ]
    }

    func patterns(_ c: Campaign, anchors: [String: [String]]) -> [(name: String, pattern: String, type: String)] {
        var result: [(String, String, String)] = []
        for prefix in c.artefacts["ip_prefixes"]?.arrayValue?.compactMap(\.stringValue) ?? [] where !prefix.contains(":") {
            result.append(("Network of \(c.name)", "[ipv4-addr:value ISSUBSET '\(Self.escape(prefix))']", "stix"))
        }
        for asn in c.artefacts["asns"]?.arrayValue?.compactMap(\.intValue) ?? [] {
            result.append(("Autonomous system used by \(c.name)", "[autonomous-system:number = \(asn)]", "stix"))
        }
        for client in c.artefacts["clients"]?.arrayValue ?? [] {
            if let tls = client["tls_fingerprint"]?.stringValue {
                result.append(
                    (
                        "TLS client fingerprint (JA4) used by \(c.name)", "[x-distillguard-client:tls_fingerprint = '\(Self.escape(tls))']",
                        "stix"
                    ))
            }
            if let agent = client["user_agent"]?.stringValue {
                result.append(
                    (
                        "Client software used by \(c.name)",
                        "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = '\(Self.escape(agent))']", "stix"
                    ))
            }
        }
        for payment in c.payments {
            let value = pseudonymizer.pseudonym(payment, kind: "payment_fingerprint")
            result.append(
                (
                    "Payment fingerprint of \(c.name) (keyed pseudonym)", "[x-distillguard-account:payment_fingerprint_hmac = '\(value)']",
                    "stix"
                ))
        }
        for domain in c.domains {
            let value = pseudonymizer.pseudonym(domain, kind: "email_domain")
            result.append(
                ("E-mail domain of \(c.name) (keyed pseudonym)", "[x-distillguard-account:email_domain_hmac = '\(value)']", "stix"))
        }
        for account in c.accounts {
            let value = pseudonymizer.pseudonym(account, kind: "account_id")
            result.append(("Account of \(c.name) (keyed pseudonym)", "[user-account:user_id = '\(value)']", "stix"))
        }
        for template in c.templates {
            guard let keys = anchors[template], !keys.isEmpty else { continue }
            let pattern: JSONValue = ["signature": "distillguard-template-1", "anchors": .array(keys.map { .string($0) })]
            result.append(("Prompt template \(template) of \(c.name)", pattern.description, Self.templatePatternType))
        }
        return result
    }

    func common(_ type: String, _ id: String, _ identity: String) -> JSONValue {
        [
            "type": .string(type), "spec_version": "2.1", "id": .string(id), "created": .string(stamp(now)),
            "modified": .string(stamp(now)),
            "created_by_ref": .string(identity),
        ]
    }

    func relationship(_ kind: String, from source: String, to target: String, identity: String) -> JSONValue {
        common("relationship", Self.id("relationship", source + kind + target), identity)
            + ["relationship_type": .string(kind), "source_ref": .string(source), "target_ref": .string(target)]
    }

    /// STIX timestamps: UTC with exactly three fractional digits.
    func stamp(_ t: Timestamp) -> String {
        let text = t.rfc3339
        return text.contains(".") ? text : String(text.dropLast()) + ".000Z"
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences("\\", "\\\\").replacingOccurrences("'", "\\'")
    }

    /// A deterministic RFC 4122 (version 4 layout) identifier derived from the content.
    static func id(_ type: String, _ content: String) -> String {
        var bytes = Array(SHA256.hash(data: Array((type + "|" + content).utf8)).prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        let parts = [
            hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20),
        ]
        return type + "--" + parts.joined(separator: "-")
    }
}

extension JSONValue {
    /// An object with `other`'s members added (or replaced).
    static func + (lhs: JSONValue, rhs: JSONValue) -> JSONValue {
        guard case .object(var object) = lhs, case .object(let extra) = rhs else { return lhs }
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
