/// What the engine last concluded, in the form the policy reads on the hot path: verdicts by
/// account and cluster, and the templates flagged on their own behaviour with a matcher that
/// recognizes their prompts from any account.
///
/// Built on the analysis thread from `AnalysisResult` and published whole; readers never wait for analysis.
public struct EnforcementSnapshot: Sendable {
    public struct AccountState: Sendable {
        public var verdict: Verdict.Kind
        public var score: Double
        public var clusterID: String?
        public var signals: [String: Double]
        public var evidence: [String]
        public var compliance: ComplianceAssessment? = nil
    }

    public struct ClusterState: Sendable {
        public var verdict: Verdict.Kind
        public var score: Double
    }

    public var accounts: [String: AccountState]
    public var clusters: [String: ClusterState]
    public var templates: TemplateMatcher
    /// When the analysis that produced it ran, in milliseconds since the epoch.
    public var builtAt: Int64
    public var eventsAnalyzed: Int
    /// How many enforcement points (gateways, `serve` replicas answering `/v1/decide`) count
    /// throttle rules, each in its own token buckets: each allows `1/enforcementPoints` of a rule's
    /// limits, so that together they allow the limits once (`docs/deployment.md`). 1 for one.
    public var enforcementPoints: Int

    public init(
        accounts: [String: AccountState] = [:], clusters: [String: ClusterState] = [:], templates: TemplateMatcher = TemplateMatcher(),
        builtAt: Int64 = 0, eventsAnalyzed: Int = 0, enforcementPoints: Int = 1
    ) {
        self.accounts = accounts
        self.clusters = clusters
        self.templates = templates
        self.builtAt = builtAt
        self.eventsAnalyzed = eventsAnalyzed
        self.enforcementPoints = enforcementPoints
    }

    /// The snapshot of one analysis; `matcher` recognizes the flagged templates (`DetectionEngine.templateMatcher`).
    public init(_ result: AnalysisResult, matcher: TemplateMatcher, builtAt: Int64) {
        var accounts: [String: AccountState] = [:]
        for a in result.accounts {
            accounts[a.accountID] = AccountState(
                verdict: a.verdict, score: a.score, clusterID: a.clusterID, signals: a.signalValues, evidence: a.evidence)
        }
        for assessment in result.compliance?.accounts ?? [] {
            if accounts[assessment.subject] == nil {
                accounts[assessment.subject] = AccountState(verdict: .benign, score: 0, clusterID: nil, signals: [:], evidence: [])
            }
            accounts[assessment.subject]?.compliance = assessment
        }
        var clusters: [String: ClusterState] = [:]
        for c in result.clusters { clusters[c.clusterID] = ClusterState(verdict: c.verdict, score: c.score) }
        self.init(accounts: accounts, clusters: clusters, templates: matcher, builtAt: builtAt, eventsAnalyzed: result.eventsAnalyzed)
    }
}

/// Recognizes prompts of flagged templates by the same rule `TemplateRegistry` assigns them: a
/// shared head or tail anchor, or agreement on `TemplateRegistry.minimumBandAgreement` MinHash bands.
public struct TemplateMatcher: Sendable {
    public struct Template: Sendable {
        public var label: String
        public var verdict: Verdict.Kind
        public var score: Double
    }

    var keys: [UInt64: Int32]
    public private(set) var templates: [Int: Template]

    public init(keys: [UInt64: Int32] = [:], templates: [Int: Template] = [:]) {
        self.keys = keys
        self.templates = templates
    }

    public var isEmpty: Bool { templates.isEmpty }

    /// The flagged template a prompt with this signature belongs to, if any.
    public func match(_ signature: TemplateSignature) -> Template? {
        guard !templates.isEmpty else { return nil }
        for anchor in [signature.head, signature.tail] {
            if let anchor, let id = keys[anchor] { return templates[Int(id)] }
        }
        var votes: [Int32: Int] = [:]
        for band in signature.bands {
            guard let id = keys[band] else { continue }
            votes[id, default: 0] += 1
            if votes[id]! >= TemplateRegistry.minimumBandAgreement { return templates[Int(id)] }
        }
        return nil
    }
}
