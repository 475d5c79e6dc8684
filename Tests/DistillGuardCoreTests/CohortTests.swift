import DistillGuardTesting
import Testing

@testable import DistillGuardCore

/// Cohort verdicts: accounts too small to judge alone are judged with the accounts they are tied to.
struct CohortTests {
    let start = Timestamp(rfc3339: "2026-02-03T00:00:00Z")!

    /// `count` throwaway accounts created within an hour, each sending `requests` harvesting
    /// requests of one template (chain-of-thought, thinking on, its own card and address), among
    /// ordinary users.
    func throwaways(count: Int, requests: Int = 3) -> CraftedLog {
        var log = CraftedLog.harvestingCampaign(start: start).keepingOrdinaryUsers()
        for account in 0..<count {
            for i in 0..<requests {
                let problem = CraftedLog.problems[(account + i) % CraftedLog.problems.count]
                log.add(
                    account: "throwaway-\(account)", at: start.adding(seconds: Double(3_600 + account * 90 + i * 20)),
                    prompt:
                        "Work it out step by step and show your reasoning in full, then the final answer. Problem \(account)-\(i): \(problem)",
                    maxTokens: 16000, thinkingBudget: 12000, payment: "pm_throwaway\(account)", ip: "81.2.\(account % 250).\(i + 1)",
                    asn: 5089, tier: "free", verified: false, createdAt: start.adding(seconds: Double(account * 60)))
            }
        }
        return log
    }

    @Test func aThreeRequestAccountInAFlaggedCohortIsFlaggedWithTheCohortAsEvidence() throws {
        let result = throwaways(count: 40).analyze()
        let flagged = result.accounts.filter { $0.accountID.hasPrefix("throwaway-") }
        #expect(flagged.count == 40, "every member of the cohort carries its verdict")
        let one = try #require(result.accounts.first { $0.accountID == "throwaway-7" })
        #expect(one.verdict == .attack && one.exchanges == 3)
        let cohort = try #require(one.evidence.first)
        #expect(cohort.contains("too few requests (3) to judge alone; judged with its cohort: 40 small accounts"), "\(cohort)")
        #expect(cohort.contains("120 requests together"), "\(cohort)")
        #expect(one.firstFlaggedAt != nil)
        #expect(!result.accounts.contains { $0.accountID.hasPrefix("user-") }, "the ordinary users stay benign")
    }

    @Test func aCustomerWhoSignedUpTheSameHourWithOrdinaryRequestsIsNotDrawnIn() throws {
        var log = throwaways(count: 40)
        for customer in 0..<6 {
            for i in 0..<3 {
                log.add(
                    account: "newcomer-\(customer)", at: start.adding(seconds: Double(5_000 + customer * 300 + i * 600)),
                    prompt: "My daughter's homework asks: \(CraftedLog.problems[(customer + i) % CraftedLog.problems.count]) Is 12 right?",
                    payment: "pm_newcomer\(customer)", ip: "73.40.\(customer).2", tier: "free", verified: false,
                    createdAt: start.adding(seconds: Double(customer * 120)))
            }
        }
        let result = log.analyze()
        #expect(result.accounts.filter { $0.accountID.hasPrefix("throwaway-") }.count == 40)
        #expect(!result.accounts.contains { $0.accountID.hasPrefix("newcomer-") }, "same wave, same subject, nothing else in common")
    }

    /// Siblings of the throwaways that sent a few more requests than the minimum, in their own
    /// words without the chain-of-thought phrase, thinking on, a new /24 for each request: alone
    /// they are at review (rotation corroborates, the score stays below attack); created with a
    /// cohort at attack, they take its verdict.
    func siblings(_ log: inout CraftedLog, count: Int = 3, requests: Int = 7) {
        for sibling in 0..<count {
            for i in 0..<requests {
                let problem = CraftedLog.problems[(sibling + i) % CraftedLog.problems.count]
                let prompt = "Question \(i) from sibling \(sibling), in short: \(problem) What do you get?"
                log.add(
                    account: "sibling-\(sibling)", at: start.adding(seconds: Double(3_700 + sibling * 70 + i * 25)), prompt: prompt,
                    maxTokens: 16000, thinkingBudget: 12000, payment: "pm_sibling\(sibling)", ip: "81.\(10 + i).\(sibling).1", asn: 5089,
                    tier: "free",
                    verified: false, createdAt: start.adding(seconds: Double(sibling * 50)))
            }
        }
    }

    @Test func anAccountJustAboveTheMinimumCreatedWithACohortAtAttackTakesItsVerdict() throws {
        var alone = CraftedLog.harvestingCampaign(start: start).keepingOrdinaryUsers()
        siblings(&alone)
        let judgedAlone = alone.analyze().accounts.filter { $0.accountID.hasPrefix("sibling-") }
        #expect(judgedAlone.count == 3 && judgedAlone.allSatisfy { $0.verdict == .review }, "alone, seven requests make a review")

        var log = throwaways(count: 40)
        siblings(&log)
        let result = log.analyze()
        let sibling = try #require(result.accounts.first { $0.accountID == "sibling-1" })
        #expect(sibling.verdict == .attack && sibling.exchanges == 7)
        let evidence = try #require(sibling.evidence.first)
        #expect(
            evidence.contains(
                "only 7 requests (fewer than 20), at review on its own and created with a cohort at attack; judged with it: 40 small accounts"
            ),
            "\(evidence)")
        #expect(sibling.firstFlaggedAt != nil)
        #expect(result.accounts.filter { $0.accountID.hasPrefix("throwaway-") }.count == 40, "the cohort itself is unchanged")
    }

    @Test func anOrdinaryCustomerOfSevenRequestsInTheSameWaveStaysBenign() {
        var log = throwaways(count: 40)
        for i in 0..<7 {
            log.add(
                account: "newcomer", at: start.adding(seconds: Double(5_000 + i * 600)),
                prompt: "My daughter's homework asks: \(CraftedLog.problems[i % CraftedLog.problems.count]) Is 12 right?",
                payment: "pm_newcomer", ip: "73.40.9.2", tier: "free", verified: false, createdAt: start.adding(seconds: 120))
        }
        #expect(!log.analyze().accounts.contains { $0.accountID == "newcomer" })
    }

    @Test func aLoneSmallAccountAndATooSmallCohortAreNotJudged() {
        // One account, or four, sending the same requests: nothing ties enough of them together.
        #expect(throwaways(count: 1).analyze().accounts.isEmpty)
        #expect(throwaways(count: 4).analyze().accounts.isEmpty)
    }

    /// A throwaway wave worded the way an attacker who read detection.md would word it: no
    /// chain-of-thought phrase, thinking on, a new /24 for each request. Forty accounts send three
    /// requests each (rotation shows on them); `quiet` more send one request in the same words
    /// from one address, which shows nothing harvest-specific on its own, with a thinking budget
    /// of `quietThinking` tokens (nil: thinking off and a short answer).
    func quietWave(quiet: Int, quietThinking: Int? = 12000) -> CraftedLog {
        var log = CraftedLog.harvestingCampaign(start: start).keepingOrdinaryUsers()
        func request(_ account: String, _ number: Int, _ i: Int, ip: String, thinking: Int?) {
            log.add(
                account: account, at: start.adding(seconds: Double(3_600 + number * 90 + i * 20)),
                prompt: "Give a fully worked solution to this problem.\n\n\(CraftedLog.problems[(number + i) % CraftedLog.problems.count])",
                maxTokens: thinking.map { $0 >= 4000 ? 16000 : 2 * $0 } ?? 1024, thinkingBudget: thinking, payment: "pm_\(account)", ip: ip,
                asn: 5089, tier: "free", verified: false, createdAt: start.adding(seconds: Double(number * 60)))
        }
        for account in 0..<40 {
            for i in 0..<3 { request("throwaway-\(account)", account, i, ip: "81.\(10 + i).\(account).1", thinking: 12000) }
        }
        for account in 0..<quiet { request("quiet-\(account)", 40 + account, 0, ip: "82.2.\(account).1", thinking: quietThinking) }
        return log
    }

    @Test func aOneRequestAccountThatSendsItsCohortsTemplateTakesItsVerdict() throws {
        let result = quietWave(quiet: 8).analyze()
        #expect(result.accounts.filter { $0.accountID.hasPrefix("throwaway-") && $0.verdict == .attack }.count == 40)
        let quiet = result.accounts.filter { $0.accountID.hasPrefix("quiet-") }
        #expect(quiet.count == 8 && quiet.allSatisfy { $0.verdict == .attack }, "\(quiet.map { ($0.accountID, $0.verdict) })")
        let one = try #require(quiet.first)
        let evidence = try #require(one.evidence.first)
        #expect(evidence.contains("too few requests (1) to judge alone; judged with its cohort: 48 small accounts"), "\(evidence)")
        #expect(
            evidence.contains(
                "what ties it to them: its requests open or close with the same words as those of 48 of the cohort's 48 accounts"),
            "\(evidence)")
        #expect(!result.accounts.contains { $0.accountID.hasPrefix("user-") })
    }

    @Test func aOneRequestAccountInItsCohortsWordsIsTiedToItEvenWhenItsProblemReadsAsAnotherCapability() throws {
        // The wave's throwaways ask math problems; these six ask word problems that no math phrase
        // marks (so their requests target chat, and they sit in another cohort of the same wave).
        var log = quietWave(quiet: 0)
        for account in 0..<6 {
            log.add(
                account: "wordy-\(account)", at: start.adding(seconds: Double(7_200 + account * 90)),
                prompt:
                    "Give a fully worked solution to this problem.\n\nAisha buys \(20 + account) apples and gives away a third of them, then buys 5 more. What does she have now?",
                maxTokens: 16000, thinkingBudget: 12000, payment: "pm_wordy\(account)", ip: "82.3.\(account).1", asn: 5089, tier: "free",
                verified: false, createdAt: start.adding(seconds: Double(3_000 + account * 60)))
        }
        let result = log.analyze()
        let wordy = result.accounts.filter { $0.accountID.hasPrefix("wordy-") }
        #expect(wordy.count == 6 && wordy.allSatisfy { $0.verdict == .attack }, "\(wordy.map { ($0.accountID, $0.verdict) })")
        let evidence = try #require(wordy.first?.evidence.first)
        #expect(evidence.contains("that mostly target math_reasoning"), "judged with the wave's math cohort: \(evidence)")
        #expect(evidence.contains("what ties it to them: its requests open or close with the same words as those of 40 of"), "\(evidence)")
    }

    /// The wave of `quietWave` with `groups` more groups of six one-request accounts (thinking on,
    /// one address each), each group sharing words of its own: too few of the cohort for any one
    /// wording to be the cohort's (a fifth of it). With `customersPerGroup`, as many older
    /// customers outside the wave send the same words too.
    func manyWordingsWave(groups: Int = 10, customersPerGroup: Int = 0) -> CraftedLog {
        var log = quietWave(quiet: 0)
        let colours = ["red", "blue", "green", "amber", "violet", "silver"]
        let objects = ["crates", "barrels", "tiles", "ropes", "lamps", "kettles", "ladders", "anchors", "buckets", "candles"]
        for group in 0..<groups {
            let words = "please settle this one for me \(objects[group]) edition, calculating everything carefully"
            for member in 0..<6 {
                let number = 100 + group * 6 + member
                log.add(
                    account: "wording\(group)-\(member)", at: start.adding(seconds: Double(4_000 + number * 30)),
                    prompt:
                        "\(words)\n\nA store holds some \(colours[member]) \(objects[group]) and sells a third; calculate what is left of the \(colours[member]) \(objects[group]) afterwards.",
                    maxTokens: 16000, thinkingBudget: 12000, payment: "pm_w\(number)", ip: "82.4.\(number % 250).1", asn: 5089,
                    tier: "free",
                    verified: false, createdAt: start.adding(seconds: Double(number * 20)))
            }
            for customer in 0..<customersPerGroup {
                log.add(
                    account: "customer\(group)-\(customer)", at: start.adding(seconds: Double(30_000 + (group * 50 + customer) * 200)),
                    prompt: "\(words)\n\nMy own question this time, about the \(objects[group]) in our shop number \(customer).",
                    payment: "pm_c\(group)-\(customer)", ip: "73.50.\(group).\(customer + 1)",
                    createdAt: start.adding(seconds: -Double(86_400 * (90 + group * 20 + customer))))
            }
        }
        return log
    }

    @Test func aOneRequestAccountInOneOfACampaignsManyWordingsIsTiedToItsCohort() throws {
        let result = manyWordingsWave().analyze()
        #expect(result.accounts.filter { $0.accountID.hasPrefix("throwaway-") && $0.verdict == .attack }.count == 40)
        let tied = result.accounts.filter { $0.accountID.hasPrefix("wording") && $0.verdict == .attack }
        #expect(tied.count == 60, "\(tied.count) of the 60 one-request accounts")
        let evidence = try #require(result.accounts.first { $0.accountID == "wording3-2" }?.evidence.first)
        #expect(evidence.contains("too few requests (1) to judge alone; judged with its cohort: 100 small accounts"), "\(evidence)")
        #expect(
            evidence.contains(
                "what ties it to them: its requests open or close with the same words as those of 6 small accounts created in waves with a cohort at attack, who are at least half of the 6 accounts that use those words"
            ), "\(evidence)")
        #expect(!result.accounts.contains { $0.accountID.hasPrefix("user-") })
    }

    @Test func wordsThatCustomersOutsideTheWaveUseTooDoNotTieAnAccountToItsCohort() {
        // The same groups, but each group's words are also those of eight older customers: a way
        // of asking that customers share, not the campaign's own.
        let result = manyWordingsWave(customersPerGroup: 8).analyze()
        #expect(result.accounts.filter { $0.accountID.hasPrefix("throwaway-") && $0.verdict == .attack }.count == 40)
        let drawnIn = result.accounts.filter { $0.accountID.hasPrefix("wording") && $0.verdict == .attack }
        #expect(
            drawnIn.isEmpty,
            "\(drawnIn.count) drawn in, e.g. \(drawnIn.first.map { ($0.accountID, $0.evidence.first ?? "") }.debugDescription)")
        #expect(!result.accounts.contains { $0.accountID.hasPrefix("customer") })
    }

    @Test func aOneRequestAccountInItsCohortsWordsWithASmallThinkingBudgetIsTiedToIt() throws {
        // Thinking on with 1,024 tokens: under the 4,000 from which `reasoning_request_rate` counts
        // heavy use of reasoning, but it still asks for the model's reasoning, as its cohort does.
        let result = quietWave(quiet: 8, quietThinking: 1024).analyze()
        let quiet = result.accounts.filter { $0.accountID.hasPrefix("quiet-") }
        #expect(quiet.count == 8 && quiet.allSatisfy { $0.verdict == .attack }, "\(quiet.map { ($0.accountID, $0.verdict) })")
        let evidence = try #require(quiet.first?.evidence.first)
        #expect(evidence.contains("what ties it to them: its requests open or close with the same words as those of"), "\(evidence)")
        #expect(!result.accounts.contains { $0.accountID.hasPrefix("user-") })
    }

    @Test func aOneRequestAccountInItsCohortsWordsWithoutReasoningIsNotDrawnIn() {
        // The same words and the same wave, but no thinking and a short answer: it asks plainly.
        let result = quietWave(quiet: 8, quietThinking: nil).analyze()
        #expect(result.accounts.filter { $0.accountID.hasPrefix("throwaway-") && $0.verdict == .attack }.count == 40)
        #expect(!result.accounts.contains { $0.accountID.hasPrefix("quiet-") && $0.verdict == .attack })
    }

    @Test func aNewcomerOfTheSameWaveInItsOwnWordsWithThinkingOnIsNotDrawnIn() {
        // Thinking on, the same kind of problem, signed up the same hour: nothing but its words tell
        // it apart, and they do.
        var log = quietWave(quiet: 0)
        for customer in 0..<6 {
            for i in 0..<(customer % 3 + 1) {
                log.add(
                    account: "newcomer-\(customer)", at: start.adding(seconds: Double(5_000 + customer * 300 + i * 600)),
                    prompt: "My daughter's homework asks: \(CraftedLog.problems[(customer + i) % CraftedLog.problems.count]) Is 12 right?",
                    maxTokens: 16000, thinkingBudget: 12000, payment: "pm_newcomer\(customer)", ip: "73.40.\(customer).2", tier: "free",
                    verified: false, createdAt: start.adding(seconds: Double(customer * 120)))
            }
        }
        let result = log.analyze()
        #expect(result.accounts.filter { $0.accountID.hasPrefix("throwaway-") && $0.verdict == .attack }.count == 40)
        let drawnIn = result.accounts.filter { $0.accountID.hasPrefix("newcomer-") && $0.verdict == .attack }
        #expect(drawnIn.isEmpty, "\(drawnIn.map { ($0.accountID, $0.exchanges, $0.signals.map { ($0.name, $0.value) }, $0.evidence) })")
    }

    @Test func aNewcomerWhoPastesAProblemThatManyCustomersAskIsNotDrawnIn() {
        // Forty older customers ask the campaign's four problems step by step, in the problems'
        // own words: a problem's closing words are then shared by 30 of the cohort's 40
        // throwaways (more than a fifth) but mostly used by others. Newcomers of the wave who
        // paste one of them, thinking on, are tied by nothing: the campaign's frame is not in
        // their requests.
        var log = quietWave(quiet: 0)
        for customer in 0..<40 {
            for (number, problem) in CraftedLog.problems.enumerated() {
                log.add(
                    account: "customer-\(customer)", at: start.adding(seconds: Double(100 + customer * 60 + number * 10)),
                    prompt: "Can you explain this step by step? \(problem)",
                    payment: "pm_customer\(customer)", ip: "73.60.\(customer).1", tier: "standard", verified: true,
                    createdAt: start.adding(seconds: -Double(86_400 * (90 + customer))))
            }
        }
        for newcomer in 0..<6 {
            log.add(
                account: "newcomer-\(newcomer)", at: start.adding(seconds: Double(6_000 + newcomer * 300)),
                prompt: CraftedLog.problems[newcomer % CraftedLog.problems.count], maxTokens: 16000, thinkingBudget: 12000,
                payment: "pm_newcomer\(newcomer)", ip: "73.41.\(newcomer).2", tier: "free", verified: false,
                createdAt: start.adding(seconds: Double(newcomer * 120)))
        }
        let result = log.analyze()
        #expect(result.accounts.filter { $0.accountID.hasPrefix("throwaway-") && $0.verdict == .attack }.count == 40)
        let drawnIn = result.accounts.filter { !$0.accountID.hasPrefix("throwaway-") && $0.verdict == .attack }
        #expect(drawnIn.isEmpty, "\(drawnIn.map { ($0.accountID, $0.evidence.first ?? "") })")
    }

    @Test func aSignUpWaveOfCodingAgentUsersIsNotACampaign() throws {
        // Forty developers who signed up within the hour after a release, each trying a coding agent
        // for three turns: thinking and maximal budgets on every request, one capability, new
        // accounts. Each turn re-sends the answers so far, as agents do.
        var log = CraftedLog.harvestingCampaign(start: start).keepingOrdinaryUsers()
        for developer in 0..<40 {
            var history: [String] = []
            for turn in 0..<3 {
                let prompt = turn == 0 ? "Fix the failing test in repo\(developer)/src/parser_test.py" : "Continue."
                let answer = "Turn \(turn) of developer \(developer): I read repo\(developer)/src/parser.py and changed the tokenizer."
                log.add(
                    account: "developer-\(developer)", at: start.adding(seconds: Double(3_600 + developer * 90 + turn * 40)),
                    prompt: prompt, maxTokens: 64000, thinkingBudget: 31999, ip: "98.\(developer).4.7", tier: "free", verified: false,
                    createdAt: start.adding(seconds: Double(developer * 60)), tools: ["read_file", "bash"], history: history, answer: answer
                )
                history += [prompt, answer]
            }
        }
        let result = log.analyze()
        #expect(!result.accounts.contains { $0.accountID.hasPrefix("developer-") && $0.verdict == .attack })
    }

    @Test func poolingAveragesMembersByExchangesAndMovesAccountsBetweenCohorts() throws {
        var cohorts = Cohorts()
        let one = Cohorts.Key(wave: 0, capability: 1)
        let two = Cohorts.Key(wave: 6, capability: 1)
        let names = AccountSignals.names.count
        func signals(_ value: Double) -> AccountSignals { AccountSignals(values: [Double](repeating: value, count: names)) }
        for member in 0..<4 { cohorts.update(member, key: one, .init(signals: signals(1), exchanges: 4)) }
        #expect(cohorts.signals(of: one) == nil, "four members are not a cohort")
        cohorts.update(4, key: one, .init(signals: signals(0), exchanges: 4))
        let pooled = try #require(cohorts.signals(of: one))
        #expect(pooled.members.count == 5 && pooled.exchanges == 20)
        #expect(pooled.signals["hour_flatness"] == 0.8, "no rhythm recorded: the average stands")
        #expect(abs(pooled.signals.values[0] - 0.8) < 1e-9, "16 of 20 exchanges carry the signal")
        let touched = cohorts.update(4, key: two, .init(signals: signals(0), exchanges: 4))
        #expect(Set(touched) == Set([one, two]))
        #expect(cohorts.signals(of: one) == nil && cohorts.key(of: 4) == two)
        cohorts.update(4, key: nil, .init(signals: signals(0), exchanges: 4))
        #expect(cohorts.pools[two] == nil, "an empty cohort is dropped")
    }
}

extension CraftedLog {
    /// The ordinary users of `harvestingCampaign`, without its campaign.
    func keepingOrdinaryUsers() -> CraftedLog {
        var log = CraftedLog()
        log.append(contentsOf: self) { $0.accountID.hasPrefix("user-") }
        return log
    }
}
