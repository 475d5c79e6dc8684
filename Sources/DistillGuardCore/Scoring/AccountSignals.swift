#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The interpretable signals of one account, each scaled to about [0, 1], that the scoring model
/// weighs. Names are stable: they appear in verdicts and in model files.
public struct AccountSignals: Sendable {
    public static let names = [
        "cot_elicitation_rate", "rubric_grading_rate", "sensitive_rewrite_rate", "reasoning_request_rate",
        "maximal_budget_rate", "repeat_sampling_rate", "template_concentration", "template_spread",
        "harvest_template_share", "capability_concentration", "output_input_ratio", "timing_regularity",
        "hour_flatness", "account_youth", "education_or_research_tier", "unverified", "network_rotation",
        "cloud_share", "new_model_pivot", "shared_payment", "volume", "harvest_substream", "partner_indicator",
        "answer_continuation",
    ]

    public var values: [Double]
    /// The part of `harvest_substream` that is a templated stream (`AccountProfile.harvestingStream`),
    /// as a share of the account's requests: not weighed by the model, but it decides whether a
    /// sub-stream may put the account at `attack` on its own (`ScoringModel.verdict`).
    public var templatedSubstream = 0.0

    /// Accounts serving at least this many end users are treated as resellers or platforms, and
    /// their sub-streams measured. At 20, a reseller whose end users go on talking reached the mark
    /// only after 3-8% of its exchanges, and its hidden stream went unseen until then; at 10 it is
    /// flagged after 2-6%, with no held-out split worse (docs/benchmarks.md).
    public static let resellerEndUsers = 10

    public subscript(name: String) -> Double {
        values[Self.names.firstIndex(of: name)!]
    }

    /// Context the signals are measured against.
    public struct Context {
        /// Share of all exchanges per capability.
        public var capabilityShare: [Double]
        public var templates: [Int: TemplateStats]
        /// Accounts per payment fingerprint.
        public var paymentAccounts: [String: Int]

        public init(capabilityShare: [Double], templates: [Int: TemplateStats], paymentAccounts: [String: Int]) {
            self.capabilityShare = capabilityShare
            self.templates = templates
            self.paymentAccounts = paymentAccounts
        }
    }

    /// 1 when the account matches a partner's pseudonym, or sends partner templates in at least
    /// 20% of its requests; 0.5 when only shared infrastructure matches, in half its requests.
    static func partnerIndicator(_ p: AccountProfile) -> Double {
        if p.intelPseudonymExchanges > 0 || p.rate(p.intelTemplateExchanges + p.intelPseudonymExchanges) >= 0.2 { return 1 }
        return p.rate(p.intelInfrastructureExchanges + p.intelTemplateExchanges) >= 0.5 ? 0.5 : 0
    }

    /// Signals given directly, one value per name (a cohort's average member).
    public init(values: [Double]) {
        precondition(values.count == Self.names.count, "one value per signal")
        self.values = values
    }

    public init(_ p: AccountProfile, context: Context) {
        func clip(_ x: Double) -> Double { min(max(x, 0), 1) }
        let top = p.topTemplate
        let topAccounts = top.flatMap { context.templates[$0.id]?.accounts.count } ?? 1
        var harvestShare = 0.0
        for entry in p.templates {
            if let stats = context.templates[entry.id], stats.harvestScore >= 0.5 { harvestShare += Double(entry.count) }
        }
        harvestShare = p.exchanges > 0 ? harvestShare / Double(p.exchanges) : 0
        let dominant = p.dominantCapability
        let baseline =
            context.capabilityShare.indices.contains(dominant.capability.rawValue)
            ? context.capabilityShare[dominant.capability.rawValue] : 0
        let ratio = Double(max(p.outputTokens, 1)) / Double(max(p.inputTokens, 1))
        let ageDays = p.account.createdAt.map { Double(p.firstSeen.milliseconds - $0.milliseconds) / 86_400_000 } ?? 365
        let tier = p.account.tier ?? ""
        let sharedPayment = p.account.paymentFingerprint.flatMap { context.paymentAccounts[$0] } ?? 1
        let fastPivot = (p.newModelLagHours ?? 1e9) <= 48 ? p.rate(p.newModelExchanges) : 0
        values = [
            p.rate(p.cot),
            p.rate(p.rubric),
            p.rate(p.rewrite),
            p.rate(p.continuity?.oneShotReasoning ?? p.reasoning),
            p.rate(p.continuity?.oneShotMaximalBudget ?? p.maximalBudget),
            p.rate(p.multipleSamples + p.repeatedPrompts),
            top?.share ?? 0,
            clip(log10(Double(topAccounts)) / 3),
            harvestShare,
            clip(dominant.share - baseline),
            clip((log10(ratio) + 0.5) / 2),
            clip(1 - p.gapDeviation / 3),
            clip(p.hourEntropy / log2(24)),
            clip(1 / (1 + max(ageDays, 0) / 30)),
            tier == "education" || tier == "research" ? 1 : 0,
            p.account.verified == true ? 0 : 1,
            clip(Double(p.ipPrefixes.count - 1) / Double(max(p.exchanges, 1))),
            p.rate(p.cloudExchanges),
            fastPivot,
            clip(log2(Double(sharedPayment)) / 5),
            clip(log10(Double(p.exchanges)) / 5),
            p.endUsers.count >= AccountSignals.resellerEndUsers ? p.rate(max(p.harvestingStream, p.endUserStreamRequests)) : 0,
            Self.partnerIndicator(p),
            p.rate(p.continuity?.continued ?? 0),
        ]
        templatedSubstream = p.endUsers.count >= AccountSignals.resellerEndUsers ? p.rate(p.harvestingStream) : 0
    }
}
