import DistillGuardCore
import DistillGuardTesting
import Testing

/// The cap on established customers' own verdicts (`EstablishedAccounts`), on the crafted
/// campaign of `CraftedLog.harvestingCampaign` with one more account sending its template.
struct EstablishedAccountsTests {
    let start = Timestamp(rfc3339: "2026-02-01T00:00:00Z")!

    /// The campaign of `CraftedLog.harvestingCampaign` plus one more account sending its template
    /// the same way from the campaign's cloud, with the given account record.
    func campaignWithOneMore(
        tier: String = "enterprise", verified: Bool = true, ageDays: Double = 400, emailDomain: String = "evalworks.example.ai",
        payment: String = "pm_evalworks"
    ) -> CraftedLog {
        var log = CraftedLog.harvestingCampaign(start: start)
        for i in 0..<40 {
            log.add(
                account: "contract", at: start.adding(seconds: Double(i * 1800 + 3)),
                prompt:
                    "Think step by step and show all of your reasoning in full detail before giving the final answer.\n\nProblem: \(CraftedLog.problems[(i + 5) % CraftedLog.problems.count])",
                maxTokens: 64000, thinkingBudget: 31999, payment: payment, ip: "3.80.\(20 + i % 4).\(i % 200)", asn: 16509, tier: tier,
                verified: verified, createdAt: start.adding(seconds: -ageDays * 86_400), emailDomain: emailDomain)
        }
        return log
    }

    @Test func anEstablishedCustomerIsHeldAtReviewWhileItsClusterAndTemplateKeepTheirs() throws {
        let log = campaignWithOneMore()
        var uncapped = ScoringModel.default
        uncapped.establishedAccounts = nil
        let without = try #require(log.analyze(model: uncapped).accounts.first { $0.accountID == "contract" })
        #expect(without.verdict == .attack, "the account's own score would act on it")

        let result = log.analyze()
        let held = try #require(result.accounts.first { $0.accountID == "contract" })
        #expect(held.verdict == .review && held.score == without.score)
        #expect(held.firstFlaggedAt != nil)
        #expect(
            held.evidence.first
                == "held at review, not attack: an established customer (verified, 400 days old when first seen, enterprise tier, its own mail domain evalworks.example.ai, a payment method no other account uses). Its score alone would act on it; an analyst decides. Its cluster and templates keep their verdicts"
        )
        #expect(held.evidence.dropFirst() == without.evidence[...])
        // The rest of the analysis is the uncapped one.
        let other = log.analyze(model: uncapped)
        #expect(result.clusters.map(\.verdict) == other.clusters.map(\.verdict))
        #expect(result.clusters.map(\.accounts) == other.clusters.map(\.accounts))
        #expect(result.templates.map(\.verdict) == other.templates.map(\.verdict))
        #expect(
            result.accounts.filter { $0.accountID != "contract" }.map(\.verdict)
                == other.accounts.filter { $0.accountID != "contract" }.map(\.verdict))
        // Enforcement under the default policy: its harvest template is still blocked, and any
        // other request is degraded as review (no reasoning, at most 4,096 output tokens).
        let snapshot = log.snapshot()
        #expect(snapshot.accounts["contract"]?.verdict == .review)
        var buckets = TokenBuckets()
        func decide(_ prompt: String) -> Decision {
            let request = PolicyRequest(
                accountID: "contract", tier: "enterprise", api: .anthropicMessages, signature: CraftedLog.signature(of: prompt))
            return Policy.default.decide(request, snapshot: snapshot, buckets: &buckets, now: 0)
        }
        let harvest = decide(
            "Think step by step and show all of your reasoning in full detail before giving the final answer.\n\nProblem: \(CraftedLog.problems[2])"
        )
        #expect(harvest.action == .block && harvest.reason == "distillation_template")
        let plain = decide("Summarise this quarter's support tickets by product area.")
        #expect(plain.action == .degrade && plain.reason == "under_review")
    }

    @Test(arguments: [
        ("unverified", false, 400.0, "enterprise", "evalworks.example.ai", "pm_evalworks"),
        ("young", true, 90.0, "enterprise", "evalworks.example.ai", "pm_evalworks"),
        ("standard tier", true, 400.0, "standard", "evalworks.example.ai", "pm_evalworks"),
        ("free mail", true, 400.0, "enterprise", "gmail.com", "pm_evalworks"),
        ("the campaign's card", true, 400.0, "enterprise", "evalworks.example.ai", "pm_card1"),
    ])
    func anAccountMissingAnyMarkOfAnEstablishedCustomerIsActedOn(
        _ what: String, _ verified: Bool, _ ageDays: Double, _ tier: String, _ domain: String, _ payment: String
    ) throws {
        let log = campaignWithOneMore(tier: tier, verified: verified, ageDays: ageDays, emailDomain: domain, payment: payment)
        let verdict = try #require(log.analyze().accounts.first { $0.accountID == "contract" }, "\(what)")
        #expect(verdict.verdict == .attack, "\(what)")
        #expect(!verdict.evidence.contains { $0.hasPrefix("held at review") }, "\(what)")
    }

    @Test func anEstablishedCustomerIsNotSharedAsTheCampaignsIndicator() throws {
        let pseudonyms = try Pseudonymizer(key: [UInt8](repeating: 7, count: 32))
        let exporter = STIXExporter(
            producer: "Example AI", pseudonymizer: pseudonyms, validDays: 30, now: Timestamp(rfc3339: "2026-02-10T00:00:00Z")!)
        func patterns(_ log: CraftedLog) throws -> [String] {
            let bundle = try exporter.bundle(verdicts: log.analyze().json)
            return try #require(bundle["objects"]?.arrayValue).compactMap { $0["pattern"]?.stringValue }
        }
        let account = "[user-account:user_id = '\(pseudonyms.pseudonym("contract", kind: "account_id"))']"
        let card =
            "[x-distillguard-account:payment_fingerprint_hmac = '\(pseudonyms.pseudonym("pm_evalworks", kind: "payment_fingerprint"))']"
        let domain = "[x-distillguard-account:email_domain_hmac = '\(pseudonyms.pseudonym("evalworks.example.ai", kind: "email_domain"))']"
        let campaign = "[user-account:user_id = '\(pseudonyms.pseudonym("harvester-0", kind: "account_id"))']"

        let held = try patterns(campaignWithOneMore())
        #expect(held.contains(campaign))
        #expect(!held.contains(account) && !held.contains(card) && !held.contains(domain))
        // The same account on a month-old record is acted on, and shared with the campaign.
        let young = try patterns(campaignWithOneMore(ageDays: 30))
        #expect(young.contains(account) && young.contains(card) && young.contains(domain))
    }
}
