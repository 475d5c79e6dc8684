/// Verdict types of the output contract (`docs/verdicts.md`).
public enum Verdict {
    public enum Kind: String, Sendable, Comparable {
        case benign, review, attack

        var rank: Int {
            switch self {
            case .benign: 0
            case .review: 1
            case .attack: 2
            }
        }

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rank < rhs.rank }
    }
}

public struct Signal: Sendable {
    public var name: String
    public var value: Double
    public var contribution: Double
}

public struct AccountVerdict: Sendable {
    public var accountID: String
    public var verdict: Verdict.Kind
    public var score: Double
    public var clusterID: String?
    public var firstFlaggedAt: Timestamp?
    public var signals: [Signal]
    /// Every signal's value, by name (`signals` lists only the largest contributions).
    public var signalValues: [String: Double] = [:]
    public var evidence: [String]
    public var exchanges: Int
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp
    /// What the account used, for indicators: payment fingerprint, e-mail domain and infrastructure.
    public var paymentFingerprint: String?
    public var emailDomain: String?
    public var artefacts = Artefacts()
    /// Regional compliance assessment, when restricted regions are configured and something points to one.
    public var compliance: ComplianceAssessment?
}

public struct ClusterVerdict: Sendable {
    public var clusterID: String
    public var verdict: Verdict.Kind
    public var score: Double
    public var accounts: [String]
    public var exchanges: Int
    public var capabilities: [(name: String, share: Double)]
    public var templates: [String]
    public var links: [(name: String, count: Int)]
    public var evidence: [String]
    /// Exchanges per hour of the log, for the report's timeline.
    public var hourly: [Int]
    public var firstFlaggedAt: Timestamp?
    public var lastSeen: Timestamp?
    public var paymentFingerprints: [String] = []
    public var emailDomains: [String] = []
    public var artefacts = Artefacts()
    public var compliance: ComplianceAssessment?
}

public struct TemplateVerdict: Sendable {
    /// The registry's id of the template (`label` is its printed form).
    public var id: Int
    public var label: String
    public var verdict: Verdict.Kind
    public var score: Double
    public var accounts: Int
    public var exchanges: Int
    public var skeleton: String
    public var example: String
    public var capability: String
    public var cotRate: Double
    public var anchors: [UInt64] = []
}

/// Everything `analyze` produces.
public struct AnalysisResult: Sendable {
    public var eventsAnalyzed: Int
    public var eventsRejected: Int
    public var accountsAnalyzed: Int
    public var accounts: [AccountVerdict]
    public var clusters: [ClusterVerdict]
    public var templates: [TemplateVerdict]
    public var logStart: Timestamp?
    public var logEnd: Timestamp?
    public var outOfOrderEvents: Int
    /// Regional compliance of every assessed account and cluster (nil when not configured).
    public var compliance: ComplianceReport? = nil

    /// The verdicts file of the output contract, plus `exchanges` per account and `templates`.
    public var json: JSONValue {
        func number(_ x: Double) -> JSONValue { .double((x * 10000).rounded() / 10000) }
        let accountValues: [JSONValue] = accounts.map { a in
            var object: JSONObject = [
                "account_id": .string(a.accountID), "verdict": .string(a.verdict.rawValue), "score": number(a.score),
                "cluster_id": a.clusterID.map { .string($0) } ?? .null,
                "first_flagged_at": a.firstFlaggedAt.map { .string($0.rfc3339) } ?? .null,
                "signals": .array(
                    a.signals.map { ["name": .string($0.name), "value": number($0.value), "contribution": number($0.contribution)] }),
                "evidence": .array(a.evidence.map { .string($0) }),
                "exchanges": .int(Int64(a.exchanges)),
                "last_seen_at": .string(a.lastSeen.rfc3339),
                "payment_fingerprint": a.paymentFingerprint.map { .string($0) } ?? .null,
                "email_domain": a.emailDomain.map { .string($0) } ?? .null,
                "artefacts": a.artefacts.json,
            ]
            if let compliance = a.compliance { object["compliance"] = compliance.json }
            return .object(object)
        }
        let clusterValues: [JSONValue] = clusters.map { c in
            var object: JSONObject = [
                "cluster_id": .string(c.clusterID), "verdict": .string(c.verdict.rawValue), "score": number(c.score),
                "accounts": .array(c.accounts.map { .string($0) }), "exchanges": .int(Int64(c.exchanges)),
                "capabilities": .object(JSONObject(c.capabilities.map { (key: $0.name, value: number($0.share)) })),
                "templates": .array(c.templates.map { .string($0) }),
                "links": .object(JSONObject(c.links.map { (key: $0.name, value: .int(Int64($0.count))) })),
                "evidence": .array(c.evidence.map { .string($0) }),
                "first_flagged_at": c.firstFlaggedAt.map { .string($0.rfc3339) } ?? .null,
                "last_seen_at": c.lastSeen.map { .string($0.rfc3339) } ?? .null,
                "payment_fingerprints": .array(c.paymentFingerprints.map { .string($0) }),
                "email_domains": .array(c.emailDomains.map { .string($0) }),
                "artefacts": c.artefacts.json,
            ]
            if let compliance = c.compliance { object["compliance"] = compliance.json }
            return .object(object)
        }
        let templateValues: [JSONValue] = templates.map { t in
            [
                "template_id": .string(t.label), "verdict": .string(t.verdict.rawValue), "score": number(t.score),
                "accounts": .int(Int64(t.accounts)), "exchanges": .int(Int64(t.exchanges)), "skeleton": .string(t.skeleton),
                "capability": .string(t.capability), "anchors": .array(t.anchors.map { .string(String($0, radix: 16)) }),
            ]
        }
        var result: JSONObject = [
            "events_analyzed": .int(Int64(eventsAnalyzed)), "events_rejected": .int(Int64(eventsRejected)),
            "accounts_analyzed": .int(Int64(accountsAnalyzed)), "accounts": .array(accountValues), "clusters": .array(clusterValues),
            "templates": .array(templateValues),
        ]
        if let compliance { result["compliance"] = compliance.json }
        return .object(result)
    }
}

/// Regional compliance across the whole analysis (`compliance` in the verdicts file).
public struct ComplianceReport: Sendable {
    public var restrictedRegions: [String]
    /// Every account something points to a restricted region for, most certain first.
    public var accounts: [ComplianceAssessment]
    public var clusters: [ComplianceAssessment]

    public var json: JSONValue {
        func entries(_ list: [ComplianceAssessment], key: String) -> JSONValue {
            .array(
                list.map { assessment in
                    var object = assessment.json.objectValue ?? JSONObject()
                    object = JSONObject([(key: key, value: .string(assessment.subject))] + object.members)
                    return .object(object)
                })
        }
        return [
            "restricted_regions": .array(restrictedRegions.map(JSONValue.string)), "accounts": entries(accounts, key: "account_id"),
            "clusters": entries(clusters, key: "cluster_id"),
        ]
    }
}
