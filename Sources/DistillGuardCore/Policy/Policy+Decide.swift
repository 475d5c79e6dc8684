/// What the gateway knows of a request before it is forwarded.
public struct PolicyRequest: Sendable {
    public var accountID: String
    /// False when the client's key is not in the gateway's key map.
    public var knownAccount: Bool
    public var tier: String?
    public var api: Event.API
    /// The prompt's template signature, for template-level enforcement; nil when it has no text.
    public var signature: TemplateSignature?

    public init(accountID: String, knownAccount: Bool = true, tier: String? = nil, api: Event.API, signature: TemplateSignature?) {
        self.accountID = accountID
        self.knownAccount = knownAccount
        self.tier = tier
        self.api = api
        self.signature = signature
    }
}

/// The action for one request and why.
public struct Decision: Sendable {
    public var action: Policy.Action
    /// The rule that decided, nil for the default action.
    public var rule: String?
    /// Machine-readable reason code (`distillation_attack`, `rate_limited`, …); `allowed` when nothing matched.
    public var reason: String
    /// Sentences an analyst or a customer-support engineer can check.
    public var reasons: [String]
    public var retryAfterSeconds: Double?
    public var degrade: Policy.Degradation?
    public var verificationURL: String?
    /// Watermark the response text (a `watermark` rule, or a `degrade` rule that asks for it).
    public var watermark = false
    /// Token buckets to charge with the exchange's tokens once its usage is known.
    public var tokenCharges: [TokenCharge] = []

    public struct TokenCharge: Sendable, Equatable {
        public var key: String
        public var perMinute: Double
    }
}

extension Policy {
    /// Decides one request against the latest snapshot; throttle rules take from `buckets`.
    public func decide(_ request: PolicyRequest, snapshot: EnforcementSnapshot, buckets: inout TokenBuckets, now: Double) -> Decision {
        let account = snapshot.accounts[request.accountID]
        let cluster = account?.clusterID.flatMap { snapshot.clusters[$0] }
        let template = request.signature.flatMap { snapshot.templates.match($0) }
        var charges: [Decision.TokenCharge] = []
        // Each of N enforcement points allows 1/N of a rule's limits: together, the limits once.
        let points = max(1, snapshot.enforcementPoints)
        for (index, rule) in rules.enumerated() {
            guard rule.when.holds(request, account: account, cluster: cluster, template: template) else { continue }
            let reasons = Self.reasons(rule.when, request: request, account: account, cluster: cluster, template: template)
            guard rule.action == .throttle, let limits = rule.throttle?.shared(by: points) else {
                let degrade = rule.action == .degrade ? (rule.degrade ?? Degradation()) : nil
                return Decision(
                    action: rule.action, rule: rule.name, reason: rule.reason, reasons: reasons, retryAfterSeconds: nil,
                    degrade: degrade, verificationURL: rule.action == .requireVerification ? rule.verificationURL : nil,
                    watermark: watermark != nil && (rule.action == .watermark || degrade?.watermark == true), tokenCharges: charges)
            }
            let subject: String
            switch limits.scope {
            case .account: subject = request.accountID
            case .cluster: subject = account?.clusterID ?? request.accountID
            case .template:
                guard let template else { continue }
                subject = template.label
            }
            let key = "\(index)|\(limits.scope.rawValue)|\(subject)"
            if let wait = Self.wait(key, limits, buckets: &buckets, now: now) {
                return Decision(
                    action: .throttle, rule: rule.name, reason: rule.reason,
                    reasons: reasons + [
                        "\(limits.scope.rawValue) \(subject) is over the rule's limits"
                            + (points > 1 ? " (this enforcement point's share: 1/\(points) of them)" : "")
                    ], retryAfterSeconds: wait,
                    degrade: nil, verificationURL: nil, tokenCharges: charges)
            }
            if let perMinute = limits.tokensPerMinute { charges.append(.init(key: key + "|tokens", perMinute: perMinute)) }
        }
        return Decision(
            action: defaultAction, rule: nil, reason: defaultAction == .allow ? "allowed" : "default_policy", reasons: [],
            retryAfterSeconds: nil, degrade: defaultAction == .degrade ? Degradation() : nil, verificationURL: nil,
            watermark: watermark != nil && defaultAction == .watermark,
            tokenCharges: charges)
    }

    /// Time until the request fits both buckets of a rule; the request token is taken only when it fits.
    static func wait(_ key: String, _ limits: ThrottleLimits, buckets: inout TokenBuckets, now: Double) -> Double? {
        if let perMinute = limits.tokensPerMinute,
            let wait = buckets.wait(key + "|tokens", perMinute: perMinute, cost: 1, take: false, now: now)
        {
            return wait
        }
        if let perMinute = limits.requestsPerMinute {
            return buckets.wait(key + "|requests", perMinute: perMinute, cost: 1, take: true, now: now)
        }
        return nil
    }

    static func reasons(
        _ condition: Condition, request: PolicyRequest, account: EnforcementSnapshot.AccountState?,
        cluster: EnforcementSnapshot.ClusterState?, template: TemplateMatcher.Template?
    ) -> [String] {
        var reasons: [String] = []
        if condition.verdict != nil || condition.minimumScore != nil || !condition.signals.isEmpty, let account {
            reasons.append("account \(request.accountID) is at \(account.verdict.rawValue) (score \(Self.format(account.score)))")
            reasons += account.evidence.prefix(3)
        }
        if condition.clusterVerdict != nil, let cluster, let id = account?.clusterID {
            reasons.append(
                "account \(request.accountID) belongs to cluster \(id) at \(cluster.verdict.rawValue) (score \(Self.format(cluster.score)))"
            )
        }
        if condition.templateVerdict != nil, let template {
            reasons.append(
                "the prompt matches template \(template.label), flagged \(template.verdict.rawValue) (score \(Self.format(template.score)))"
            )
        }
        if let tiers = condition.tiers, let tier = request.tier, tiers.contains(tier) { reasons.append("account tier is \(tier)") }
        if condition.unknownAccount == true, !request.knownAccount { reasons.append("the API key is not registered with the gateway") }
        if condition.compliance != nil, let assessment = account?.compliance {
            reasons.append(
                "account \(request.accountID) is assessed with \(assessment.confidence.rawValue) confidence as operating from restricted region \(assessment.region)"
            )
            reasons += assessment.signals.prefix(3).map(\.detail)
        }
        return reasons
    }

    static func format(_ x: Double) -> String {
        let scaled = (x * 100).rounded() / 100
        return String(scaled)
    }
}

extension Policy.Condition {
    func holds(
        _ request: PolicyRequest, account: EnforcementSnapshot.AccountState?, cluster: EnforcementSnapshot.ClusterState?,
        template: TemplateMatcher.Template?
    ) -> Bool {
        if let verdict, (account?.verdict ?? .benign) < verdict { return false }
        if let clusterVerdict, (cluster?.verdict ?? .benign) < clusterVerdict { return false }
        if let templateVerdict, (template?.verdict ?? .benign) < templateVerdict { return false }
        if let minimumScore, (account?.score ?? 0) < minimumScore { return false }
        for (name, minimum) in signals where (account?.signals[name] ?? 0) < minimum { return false }
        if let tiers, !tiers.contains(request.tier ?? "") { return false }
        if let apis, !apis.contains(request.api) { return false }
        if let accounts, !accounts.contains(request.accountID) { return false }
        if let unknownAccount, unknownAccount == request.knownAccount { return false }
        if let compliance, (account?.compliance?.confidence).map({ $0 < compliance }) ?? true { return false }
        return true
    }
}
