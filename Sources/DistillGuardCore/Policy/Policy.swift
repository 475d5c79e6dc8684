/// Maps what the engine knows about a request (its account's verdict, its cluster, the template
/// its prompt belongs to, the account's tier and signals) to an enforcement action.
///
/// Rules are tried in order and the first whose every condition holds decides; a request no rule
/// matches gets `defaultAction`. A `throttle` rule only acts while its limits are exceeded, so a
/// request within them goes on to the next rule. The file format is in `docs/gateway.md`.
public struct Policy: Sendable {
    public var rules: [Rule]
    public var defaultAction: Action
    /// Restricted regions for the regional compliance assessment (nil: off).
    public var compliance: ComplianceSettings?
    /// The key and table of the `watermark` action (nil: no rule may watermark).
    public var watermark: Watermark?

    public init(rules: [Rule], defaultAction: Action = .allow, compliance: ComplianceSettings? = nil, watermark: Watermark? = nil) {
        self.rules = rules
        self.defaultAction = defaultAction
        self.compliance = compliance
        self.watermark = watermark
    }

    /// What a gateway does with a request.
    public enum Action: String, Sendable, CaseIterable, Comparable {
        case allow
        /// Allow, with the lexical watermark applied to the response text (`docs/watermark.md`).
        case watermark
        case throttle
        case degrade
        case requireVerification = "require_verification"
        case block

        var severity: Int { Self.allCases.firstIndex(of: self)! }
        public static func < (lhs: Action, rhs: Action) -> Bool { lhs.severity < rhs.severity }
    }

    public struct Rule: Sendable {
        /// Shown in decisions and metrics, e.g. `block-attack-accounts`.
        public var name: String
        public var when: Condition
        public var action: Action
        /// Machine-readable reason code returned to the client, e.g. `distillation_attack`.
        public var reason: String
        /// Limits of a `throttle` rule.
        public var throttle: ThrottleLimits?
        /// What a `degrade` rule changes.
        public var degrade: Degradation?
        /// Where a `require_verification` rule sends the customer.
        public var verificationURL: String?

        public init(
            name: String, when: Condition, action: Action, reason: String, throttle: ThrottleLimits? = nil,
            degrade: Degradation? = nil, verificationURL: String? = nil
        ) {
            self.name = name
            self.when = when
            self.action = action
            self.reason = reason
            self.throttle = throttle
            self.degrade = degrade
            self.verificationURL = verificationURL
        }
    }

    /// Every condition that is set must hold; an empty condition matches every request.
    public struct Condition: Sendable {
        /// The account's own verdict is at least this.
        public var verdict: Verdict.Kind?
        /// The account belongs to a cluster whose verdict is at least this.
        public var clusterVerdict: Verdict.Kind?
        /// The prompt belongs to a template whose verdict is at least this (whoever sends it).
        public var templateVerdict: Verdict.Kind?
        /// The account's score is at least this.
        public var minimumScore: Double?
        /// Signal values the account must reach, by signal name (`docs/detection.md`).
        public var signals: [String: Double] = [:]
        public var tiers: Set<String>?
        public var apis: Set<Event.API>?
        public var accounts: Set<String>?
        /// The request is not from a key the gateway knows (only with `unknown_keys: "pass"`).
        public var unknownAccount: Bool?
        /// The account is assessed as operating from a restricted region with at least this confidence.
        public var compliance: ComplianceConfidence?

        public init() {}
    }

    /// Token buckets: a capacity refilled per minute, on requests and on tokens (input + output).
    public struct ThrottleLimits: Sendable, Equatable {
        public enum Scope: String, Sendable, CaseIterable {
            case account, cluster, template
        }

        public var scope: Scope
        public var requestsPerMinute: Double?
        public var tokensPerMinute: Double?

        public init(scope: Scope, requestsPerMinute: Double? = nil, tokensPerMinute: Double? = nil) {
            self.scope = scope
            self.requestsPerMinute = requestsPerMinute
            self.tokensPerMinute = tokensPerMinute
        }

        /// The limits one of `points` enforcement points allows.
        func shared(by points: Int) -> ThrottleLimits {
            guard points > 1 else { return self }
            let share = 1 / Double(points)
            return ThrottleLimits(
                scope: scope, requestsPerMinute: requestsPerMinute.map { $0 * share }, tokensPerMinute: tokensPerMinute.map { $0 * share })
        }
    }

    /// How a `degrade` rule lowers the value of a response for distillation.
    public struct Degradation: Sendable, Equatable {
        /// Turn off extended thinking / reasoning in the request and remove reasoning content
        /// (thinking blocks, reasoning items) from the response.
        public var stripReasoning: Bool
        /// Cap on the output budget (`max_tokens`, `max_completion_tokens`, `max_output_tokens`).
        public var maximumOutputTokens: Int?
        /// Also watermark the response text (needs the policy's `watermark` section).
        public var watermark: Bool

        public init(stripReasoning: Bool = true, maximumOutputTokens: Int? = nil, watermark: Bool = false) {
            self.stripReasoning = stripReasoning
            self.maximumOutputTokens = maximumOutputTokens
            self.watermark = watermark
        }
    }

    /// The policy a gateway runs with when none is configured: block accounts and templates at
    /// `attack`, degrade accounts under `review` and clusters at `attack`; never a ban without a verdict.
    public static let `default`: Policy = {
        var attack = Condition()
        attack.verdict = .attack
        var template = Condition()
        template.templateVerdict = .attack
        var cluster = Condition()
        cluster.clusterVerdict = .attack
        var review = Condition()
        review.verdict = .review
        return Policy(rules: [
            Rule(name: "block-attack-accounts", when: attack, action: .block, reason: "distillation_attack"),
            Rule(name: "block-attack-templates", when: template, action: .block, reason: "distillation_template"),
            Rule(
                name: "throttle-attack-clusters", when: cluster, action: .throttle, reason: "cluster_rate_limited",
                throttle: ThrottleLimits(scope: .cluster, requestsPerMinute: 60, tokensPerMinute: 200_000)),
            Rule(
                name: "degrade-review-accounts", when: review, action: .degrade, reason: "under_review",
                degrade: Degradation(stripReasoning: true, maximumOutputTokens: 4096)),
        ])
    }()
}
