/// Turns signals into sentences a trust-and-safety analyst can check against the log.
struct EvidenceWriter {
    let profiles: [AccountProfile]
    let context: AccountSignals.Context
    let paymentAccounts: [String: Int]

    func percent(_ x: Double) -> String { "\(Int((x * 100).rounded()))%" }

    /// The sentences behind an account's verdict, the cohort's first. When a rule rather than the
    /// score set the verdict of an account judged on its own (`ScoringModel.rule`), what that rule
    /// saw comes first.
    func evidence(
        for index: Int, signals: AccountSignals, clusterSize: Int, cohort: CohortVerdict? = nil, rule: ScoringModel.Rule? = nil
    ) -> [String] {
        let p = profiles[index]
        var lines: [String] = []
        if let cohort { lines.append(describe(cohort, exchanges: p.exchanges)) }
        let substream = signals["harvest_substream"] > 0 ? substreamEvidence(p) : []
        let intel = intelEvidence(p)
        switch rule {
        case .templatedSubstream, .harvestSubstream: lines += substream
        case .partnerIndicator: lines += intel
        case nil: break
        }
        if let top = p.topTemplate, let stats = context.templates[top.id] {
            let count = Int((top.share * Double(p.exchanges)).rounded())
            let plainly =
                stats.harvestScore >= 0.5 && !(p.templates.first { $0.id == top.id }?.isSentAsHarvest ?? true)
                ? " (a harvesting template, but this account sends it without eliciting reasoning or maximal budgets: it asks the same kind of task plainly)"
                : ""
            lines.append(
                "\(count) of \(p.exchanges) requests match template \(stats.label), used by \(stats.accounts.count) accounts: \"\(stats.skeleton.prefix(90))…\"\(plainly)"
            )
        }
        if p.cot > 0 {
            lines.append(
                "\(p.cot) of \(p.exchanges) requests (\(percent(p.rate(p.cot)))) ask for step-by-step reasoning or a chain of thought")
        }
        if p.rubric > 0 { lines.append("\(p.rubric) requests ask the model to grade answers against a rubric (reward-model use)") }
        if p.rewrite > 0 { lines.append("\(p.rewrite) requests ask for \"safe\" rewrites of politically sensitive questions") }
        let maximal = p.continuity?.oneShotMaximalBudget ?? p.maximalBudget
        if maximal > 0 {
            lines.append(
                "\(maximal) of \(p.exchanges) requests (\(percent(p.rate(maximal)))) ask for maximal output or thinking budgets (≥32k output or ≥16k thinking tokens) without building on an earlier answer"
            )
        }
        let reasoning = p.continuity?.oneShotReasoning ?? p.reasoning
        if reasoning > 0 {
            lines.append(
                "\(reasoning) of \(p.exchanges) requests (\(percent(p.rate(reasoning)))) turn on extended thinking or high reasoning effort without building on an earlier answer"
            )
        }
        if let continuity = p.continuity {
            lines.append(
                continuity.continued == 0
                    ? "none of its \(p.exchanges) requests re-sends an answer the account received: every prompt stands alone"
                    : "\(continuity.continued) of \(p.exchanges) requests (\(percent(p.rate(continuity.continued)))) re-send an answer the account received earlier (a conversation or tool loop)"
            )
        }
        let dominant = p.dominantCapability
        let baseline = context.capabilityShare[dominant.capability.rawValue]
        if dominant.share - baseline > 0.3 {
            lines.append(
                "\(percent(dominant.share)) of requests target \(dominant.capability.name) (\(percent(baseline)) across all traffic)")
        }
        if let payment = p.account.paymentFingerprint, let shared = paymentAccounts[payment], shared > 1 {
            lines.append("payment fingerprint \(payment) is shared with \(shared - 1) other account(s)")
        }
        if let created = p.account.createdAt {
            let days = Double(p.firstSeen.milliseconds - created.milliseconds) / 86_400_000
            if days < 30 {
                lines.append(
                    "account created \(created.rfc3339), first request \(String(format1: days)) days later; tier \(p.account.tier ?? "unknown"), \(p.account.verified == true ? "verified" : "unverified")"
                )
            }
        }
        if p.ipPrefixes.count >= 5, p.ipPrefixes.count * 3 >= p.exchanges {
            lines.append("requests came from \(p.ipPrefixes.count) different /24 networks in \(p.exchanges) requests (rotating proxies)")
        }
        if p.newModelExchanges > 0, let lag = p.newModelLagHours, lag <= 48 {
            lines.append(
                "moved \(percent(p.rate(p.newModelExchanges))) of its traffic to a newly released model, starting \(String(format1: lag)) h after its first appearance"
            )
        }
        if rule != .templatedSubstream, rule != .harvestSubstream { lines += substream }
        if rule != .partnerIndicator { lines += intel }
        if clusterSize > 1 { lines.append("linked to \(clusterSize - 1) other flagged account(s) in the same cluster") }
        return lines
    }

    /// A reseller's templated harvesting sub-stream and its stream end users.
    func substreamEvidence(_ p: AccountProfile) -> [String] {
        var lines: [String] = []
        if p.harvestingStream > 0 {
            let labels = p.templates.filter(\.isHarvesting).map { TemplateStats.label($0.id) }.joined(separator: ", ")
            lines.append(
                "serves \(p.endUsers.count) end users, and \(p.harvestingStream) of its \(p.exchanges) requests (\(percent(p.rate(p.harvestingStream)))) form a dense harvesting sub-stream in templates \(labels): reasoning or grading elicited with maximal budgets"
            )
        }
        if let stream = p.endUserStream, p.endUserStreamRequests > 0 {
            lines.append(
                "serves \(p.endUsers.count) end users, of whom \(stream.streamUsers) sent nothing but stand-alone requests for long reasoning (thinking or high effort, budgets of \(ExchangeFeatures.longReasoningTokens / 1000)k tokens or more, no follow-up): \(p.endUserStreamRequests) of its \(p.exchanges) requests (\(percent(p.rate(p.endUserStreamRequests))))"
            )
        }
        return lines
    }

    /// Partners' indicators the account matches, those on the account itself first.
    func intelEvidence(_ p: AccountProfile) -> [String] {
        let ranked = p.intelMatches.filter(\.kind.isAccountSide) + p.intelMatches.filter { !$0.kind.isAccountSide }
        return ranked.prefix(5).map { match in
            let until = match.validUntil.map { ", valid until \($0.rfc3339)" } ?? ""
            return "\(match.kind.phrase) matches indicator \(match.objectID) from \(match.producer)\(until)"
        }
    }

    /// How a link kind reads in a sentence ("12 of 40 accounts share a payment fingerprint with another member").
    static func linkPhrase(_ name: String) -> String {
        switch name {
        case "shared_payment_fingerprint": "share a payment fingerprint with another member"
        case "shared_template": "share a harvesting template with another member"
        case "shared_ip_prefix": "share a /24 network with another member"
        case "shared_email_domain": "share a company e-mail domain with another member"
        case "creation_burst": "were created within 3 hours of another member"
        case "shared_client_fingerprint": "share client software (user agent and TLS fingerprint) with another member"
        case "shared_asn": "share an autonomous system with another member"
        case "synchronized_activity": "work the same hours of the day as another member"
        default: "share a \(name.replacingOccurrences("_", " ")) with another member"
        }
    }

    func clusterEvidence(members: [Int], links: [(name: String, count: Int)], templates: [(id: Int, accounts: Int)]) -> [String] {
        var lines: [String] = []
        for (id, accounts) in templates.prefix(3) {
            if let stats = context.templates[id] {
                lines.append(
                    "\(accounts) member accounts use template \(stats.label) (\(stats.exchanges) requests overall, \(percent(stats.rate(stats.cot))) eliciting reasoning): \"\(stats.skeleton.prefix(80))…\""
                )
            }
        }
        for link in links {
            lines.append(
                "\(link.count) of \(members.count) accounts \(Self.linkPhrase(link.name))"
            )
        }
        let created = members.compactMap { profiles[$0].account.createdAt }.sorted()
        if let first = created.first, let last = created.last, created.count > 2 {
            lines.append("accounts created between \(first.rfc3339) and \(last.rfc3339)")
        }
        return lines
    }

    /// Why a small account carries its cohort's verdict.
    func describe(_ cohort: CohortVerdict, exchanges: Int) -> String {
        let wave = cohort.key.wave
        let created =
            "created between \(Timestamp(milliseconds: wave * 3_600_000).rfc3339) and \(Timestamp(milliseconds: (wave + Cohorts.waveHours) * 3_600_000).rfc3339)"
        let tie = "that mostly target \(Capability(rawValue: cohort.key.capability)?.name ?? "one capability")"
        let opening =
            exchanges < cohort.memberExchanges
            ? "too few requests (\(exchanges)) to judge alone; judged with its cohort:"
            : "only \(exchanges) requests (fewer than \(Cohorts.fewRequests)), at review on its own and created with a cohort at attack; judged with it:"
        var wording = ""
        if let shared = cohort.sharedWording {
            wording =
                "; what ties it to them: its requests open or close with the same words as those of \(shared) of the cohort's \(cohort.members) accounts, and ask for reasoning as theirs do (its own requests are too few to show a harvest-specific signal)"
        } else if let campaign = cohort.campaignWording {
            wording =
                "; what ties it to them: its requests open or close with the same words as those of \(campaign.waveAccounts) small accounts created in waves with a cohort at attack, who are at least half of the \(campaign.users) accounts that use those words, and ask for reasoning as the cohort's do (its own requests are too few to show a harvest-specific signal)"
        }
        return
            "\(opening) \(cohort.members) small accounts \(created) \(tie), \(cohort.exchanges) requests together, scoring \(Double(Int((cohort.score * 100).rounded())) / 100) as one account (the signals shown are the cohort's)\(wording)"
    }
}

extension String {
    init(format1 value: Double) {
        let tenths = (value * 10).rounded() / 10
        self = tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    }

    func replacingOccurrences(_ target: Character, _ replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
