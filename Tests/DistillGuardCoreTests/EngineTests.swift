import DistillGuardCore
import DistillGuardTesting
import Foundation
import Testing

/// Linking and scoring on small crafted logs whose answer is known.
struct EngineTests {
    let start = Timestamp(rfc3339: "2026-02-01T00:00:00Z")!
    let problems = CraftedLog.problems
    let organicPrompts = CraftedLog.organicPrompts

    /// Twelve accounts created in one burst, four per card, all sending one CoT template with
    /// maximal budgets; and thirty ordinary users (`CraftedLog.harvestingCampaign`).
    func campaignLog() -> CraftedLog { CraftedLog.harvestingCampaign(start: start) }

    @Test func flagsTheCampaignAndLinksItIntoOneCluster() {
        let result = campaignLog().analyze()
        let flagged = Dictionary(uniqueKeysWithValues: result.accounts.map { ($0.accountID, $0) })
        for account in 0..<12 { #expect(flagged["harvester-\(account)"]?.verdict == .attack, "harvester-\(account)") }
        for user in 0..<30 { #expect(flagged["user-\(user)"] == nil, "user-\(user) stays benign") }
        #expect(result.clusters.count == 1)
        let cluster = result.clusters[0]
        #expect(cluster.accounts.count == 12 && cluster.verdict == .attack)
        #expect(cluster.links.contains { $0.name == "shared_payment_fingerprint" && $0.count == 12 })
        #expect(cluster.links.contains { $0.name == "shared_template" && $0.count == 12 })
        #expect(
            cluster.links.contains { $0.name == "shared_email_domain" && $0.count == 6 },
            "the six on mail.example.edu are linked; sharing gmail.com links nobody")
        #expect(cluster.capabilities.first?.name == "math_reasoning")
        #expect(!cluster.templates.isEmpty)
        #expect(result.templates.first?.verdict == .attack)
    }

    /// A campaign sending five scaffolds, every one by all twelve accounts: the cluster's
    /// templates tie on count, and must come in the same order in every run (by template), not in
    /// the order of a dictionary whose seed changes between processes and instances.
    @Test func tiedClusterTemplatesComeInTemplateOrderInEveryRun() {
        // Each scaffold opens and closes with its own words (the anchors of its template).
        let scaffolds = [
            (
                "Think step by step and show all of your reasoning in full detail before giving the final answer.",
                "Number every step, keep all intermediate working visible, and box the final answer at the very end."
            ),
            (
                "You are a meticulous olympiad coach who narrates each deduction aloud to a struggling student.",
                "Finish with a short recap of which lemma carried the argument and why the alternatives fail."
            ),
            (
                "Act as a rigorous proof checker: restate the claim formally, list assumptions, then derive it.",
                "Afterwards grade your own derivation from one to ten and explain any gap that a referee would flag."
            ),
            (
                "Write out your complete chain of thought as a numbered outline, verifying each line as you go.",
                "Close by converting the outline into a two sentence summary suitable for a flashcard deck."
            ),
            (
                "Pretend you are tutoring over chat; reason in small messages, checking each calculation twice.",
                "End the session by suggesting three harder follow-up exercises on the same underlying idea."
            ),
        ]
        var log = CraftedLog()
        for account in 0..<12 {
            for i in 0..<40 {
                let scaffold = scaffolds[i % scaffolds.count]
                log.add(
                    account: "harvester-\(account)", at: start.adding(seconds: Double(i * 1800 + account * 7)),
                    prompt: "\(scaffold.0)\n\nProblem: \(problems[(i / scaffolds.count + account) % problems.count])\n\n\(scaffold.1)",
                    maxTokens: 64000, thinkingBudget: 31999, payment: "pm_card\(account / 4)", ip: "3.80.\(account).\(i % 200)",
                    asn: 16509, verified: false, createdAt: start.adding(seconds: -86_400 - Double(account * 60)))
            }
        }
        var orders: Set<[String]> = []
        for _ in 0..<4 {
            let result = log.analyze()
            guard let cluster = result.clusters.first(where: { $0.accounts.count == 12 }) else {
                Issue.record("the twelve accounts form one cluster")
                return
            }
            #expect(cluster.templates.count == scaffolds.count, "every scaffold is a template of the cluster")
            #expect(cluster.templates == cluster.templates.sorted(), "tied templates in template order: \(cluster.templates)")
            orders.insert(cluster.templates)
        }
        #expect(orders.count == 1)
    }

    /// Found by schemathesis through the gateway's `/v1/decide?record=true`: an event dated before
    /// 1970 indexed the hour-of-day table with a negative number and crashed the analysis thread.
    /// A stray date far from the rest (a clock reset) must not size the cluster timelines either.
    @Test func eventsDatedLongBeforeTheRestAreAnalysedWithBoundedTimelines() {
        var log = campaignLog()
        for (index, date) in ["1969-12-31T23:30:00Z", "1900-06-01T05:00:00Z", "0001-01-01T00:00:00Z"].enumerated() {
            log.add(account: "harvester-\(index)", at: Timestamp(rfc3339: date)!, prompt: organicPrompts[index])
            log.add(account: "user-\(index)", at: Timestamp(rfc3339: date)!, prompt: organicPrompts[index])
        }
        let result = log.analyze()
        let cluster = try! #require(result.clusters.first)
        #expect(cluster.verdict == .attack && cluster.accounts.count == 12)
        #expect(cluster.hourly.count == 366 * 24, "the last year of a log that spans two thousand years")
        let alone = try! #require(campaignLog().analyze().clusters.first)
        // The campaign's hours at the end, where they are without the old events (the counts may
        // differ by one where the extra exchanges moved the moment an account was first flagged).
        let recent = Array(cluster.hourly.suffix(alone.hourly.count))
        #expect(zip(recent, alone.hourly).allSatisfy { ($0 == 0) == ($1 == 0) }, "\(recent) against \(alone.hourly)")
        #expect(cluster.hourly.dropLast(alone.hourly.count).allSatisfy { $0 == 0 })
    }

    /// Found by the event fuzz target: an event dated thousands of years after the rest made the
    /// engine step through every checkpoint period in between (tens of millions), holding the
    /// analysis thread for minutes. One checkpoint covers any gap.
    @Test func anEventDatedFarAheadTakesOneCheckpoint() throws {
        var log = campaignLog()
        log.add(account: "user-future", at: Timestamp(rfc3339: "8424-02-05T04:06:24.359Z")!, prompt: organicPrompts[0])
        log.add(account: "user-future", at: Timestamp(rfc3339: "9999-12-31T23:59:59Z")!, prompt: organicPrompts[1])
        var engine = DetectionEngine()
        let events = log.events.sorted { $0.timestamp < $1.timestamp }
        for event in events { engine.ingest(event, ExchangeFeatures(event)) }
        #expect(engine.checkpoints <= events.count, "\(engine.checkpoints) checkpoints for \(events.count) events")
        let result = engine.finish()
        let cluster = try #require(result.clusters.first)
        #expect(cluster.verdict == .attack && cluster.accounts.count == 12)
        #expect(result.accounts.first { $0.accountID == "user-future" }?.verdict ?? .benign == .benign)
    }

    /// The campaign's template ends in its problem, so a customer who asks those problems plainly
    /// falls into the same template. It is not joined to the campaign's cluster by that template
    /// (it never sends it as a harvest, so it would only become one of the campaign's indicators),
    /// and its evidence says that it sends the template plainly.
    @Test func aFlaggedCustomerAskingTheCampaignsProblemsPlainlyIsNotInItsCluster() throws {
        var log = campaignLog()
        let start = Timestamp(rfc3339: "2026-02-01T00:00:00Z")!
        for i in 0..<12 {
            log.add(
                account: "student", at: start.adding(seconds: Double(20_000 + i * 3_000)),
                prompt: "Problem: \(CraftedLog.problems[i % CraftedLog.problems.count])", maxTokens: 12000,
                thinkingBudget: 8000, payment: "pm_student", ip: "98.7.6.5", tier: "free", verified: false,
                createdAt: start.adding(seconds: -3_600))
        }
        let result = log.analyze()
        let student = try #require(result.accounts.first { $0.accountID == "student" }, "flagged, so the linker considers it")
        #expect(student.signalValues["harvest_template_share"] == 1, "its requests fall into the campaign's template")
        #expect(
            student.evidence.first?.hasSuffix(
                "this account sends it without eliciting reasoning or maximal budgets: it asks the same kind of task plainly)") == true)
        let cluster = try #require(result.clusters.first)
        #expect(cluster.accounts.count == 12 && !cluster.accounts.contains("student"))
        #expect(student.clusterID == nil)
    }

    @Test func explainsVerdictsWithCheckableEvidence() {
        let result = campaignLog().analyze()
        let verdict = try! #require(result.accounts.first { $0.accountID == "harvester-3" })
        #expect(verdict.evidence.contains { $0.hasPrefix("40 of 40 requests match template T-") })
        #expect(verdict.evidence.contains { $0.contains("ask for step-by-step reasoning") })
        #expect(verdict.evidence.contains { $0.contains("payment fingerprint pm_card0 is shared with 3 other account(s)") })
        #expect(verdict.signals.contains { $0.name == "maximal_budget_rate" && $0.value == 1 && $0.contribution > 0 })
        #expect(
            verdict.firstFlaggedAt != nil && verdict.firstFlaggedAt! < start.adding(seconds: 40 * 1800), "flagged before its last request")
    }

    @Test func firstFlaggedAtIsTheEventTimeOfCrossing() {
        let result = campaignLog().analyze()
        for verdict in result.accounts {
            let flagged = try! #require(verdict.firstFlaggedAt)
            #expect(flagged >= verdict.firstSeen && flagged <= verdict.lastSeen)
        }
    }

    @Test func findsTheHarvestingSubStreamInsideAResellerAccount() {
        var log = CraftedLog()
        for i in 0..<400 {
            let time = start.adding(seconds: Double(i * 300))
            addRequest(i, ofResellerHidingAStream: "reseller-mixed", customers: 150, at: time, to: &log)
            log.add(
                account: "reseller-clean", at: time.adding(seconds: 1), prompt: organicPrompts[(i + 1) % organicPrompts.count] + " #\(i)",
                endUser: "customer-\(i % 150)", asn: 16509, tier: "reseller")
        }
        let result = log.analyze()
        expectTheSubStreamSetTheVerdict(of: "reseller-mixed", in: result)
        #expect(!result.accounts.contains { $0.accountID == "reseller-clean" })
    }

    /// A reseller still small, serving a dozen end users (ten customers and the stream's two ids),
    /// with a harvesting stream hidden among them: the sub-stream counts from the 10th end user
    /// (`AccountSignals.resellerEndUsers`), so it is found before the reseller has grown (at 20 end
    /// users, this one was never looked at).
    @Test func findsTheHarvestingSubStreamInAResellerWithADozenEndUsers() {
        var log = CraftedLog()
        for i in 0..<300 {
            addRequest(i, ofResellerHidingAStream: "small-reseller", customers: 10, at: start.adding(seconds: Double(i * 300)), to: &log)
        }
        expectTheSubStreamSetTheVerdict(of: "small-reseller", in: log.analyze())
    }

    /// Request `i` of a reseller whose every third request belongs to a harvesting stream sent under
    /// two end-user ids, and the others to its `customers` chatting.
    func addRequest(_ i: Int, ofResellerHidingAStream account: String, customers: Int, at time: Timestamp, to log: inout CraftedLog) {
        if i % 3 == 0 {
            log.add(
                account: account, at: time,
                prompt: "Write out your full chain of thought before answering. Question: \(problems[i % problems.count]) (\(i))",
                maxTokens: 64000, thinkingBudget: 24000, endUser: "hidden-\(i % 2)", asn: 16509, tier: "reseller")
        } else {
            log.add(
                account: account, at: time, prompt: organicPrompts[i % organicPrompts.count] + " #\(i)",
                endUser: "customer-\(i % customers)", asn: 16509, tier: "reseller")
        }
    }

    func expectTheSubStreamSetTheVerdict(of account: String, in result: AnalysisResult, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let verdict = result.accounts.first(where: { $0.accountID == account }) else {
            Issue.record("\(account) has no verdict", sourceLocation: sourceLocation)
            return
        }
        #expect(verdict.verdict == .attack, sourceLocation: sourceLocation)
        #expect(
            verdict.evidence.first?.contains("form a dense harvesting sub-stream in templates T-") == true,
            "the sub-stream set the verdict, so it is what the evidence says first: \(verdict.evidence)",
            sourceLocation: sourceLocation)
    }

    /// A router laundering a 10% stream: each request worded its own way (no chain-of-thought
    /// phrase, so no template stream), thinking on with long but not maximal budgets, over
    /// end-user ids that live five hours. It is held for review with the stream in its evidence,
    /// not acted on: beside it, a real router whose one-off visitors (10% of its requests) each
    /// asked one long question with thinking on looks the same by this measure, and must not be
    /// banned for it. And a reseller whose customers all think at length, but in conversations,
    /// plus four one-off customers who each asked one long question, is not acted on.
    @Test func holdsALaunderedStreamSpreadOverShortLivedEndUsersForReview() {
        var log = CraftedLog()
        let asks = ["I need the whole solution.", "Walk me through it fully.", "Full working please.", "Complete answer, every step."]
        for i in 0..<400 {
            let time = start.adding(seconds: Double(i * 300))
            if i % 10 == 0 {
                log.add(
                    account: "router", at: time, prompt: "\(asks[i % asks.count]) \(problems[i % problems.count]) [\(i)]",
                    maxTokens: 20000, thinkingBudget: 10000, endUser: "rotating-\(i / 60)-\(i / 10 % 3)", asn: 16509, tier: "reseller")
            } else {
                log.add(
                    account: "router", at: time, prompt: organicPrompts[i % organicPrompts.count] + " #\(i)",
                    endUser: "customer-\(i % 150)", asn: 16509, tier: "reseller")
            }
            log.add(
                account: "router-with-visitors", at: time.adding(seconds: 2),
                prompt: organicPrompts[(i + 3) % organicPrompts.count] + " #\(i)",
                maxTokens: i % 10 == 0 ? 20000 : 1024, thinkingBudget: i % 10 == 0 ? 10000 : nil,
                endUser: i % 10 == 0 ? "visitor-\(i)" : "customer-\(i % 150)", asn: 16509, tier: "reseller")
            // Every customer of the thinking reseller asks for long reasoning, and follows up on
            // the answer it received; four others ask one long question each and leave.
            let customer = i % 100
            let first = i < 100
            let answer = "Here is the reasoning for \(customer) … so the answer is \(customer)."
            log.add(
                account: "thinking-reseller", at: time.adding(seconds: 1),
                prompt: first ? organicPrompts[customer % organicPrompts.count] + " #\(i)" : "Thanks. And if the numbers double? #\(i)",
                maxTokens: 32000, thinkingBudget: 16000, endUser: i < 396 ? "thinker-\(customer)" : "one-off-\(i)", asn: 16509,
                tier: "reseller", history: first || i >= 396 ? [] : [organicPrompts[customer % organicPrompts.count], answer],
                answer: answer)
        }
        let result = log.analyze()
        let router = try! #require(result.accounts.first { $0.accountID == "router" })
        #expect(router.verdict == .review)
        // The stream is what put it at review, so it is what its evidence says first.
        #expect(
            router.evidence.first.map {
                $0.contains("of whom 21 sent nothing but stand-alone requests for long reasoning")
                    && $0.contains("40 of its 400 requests (10%)")
            } == true, "\(router.evidence)")
        let visited = try! #require(result.accounts.first { $0.accountID == "router-with-visitors" })
        #expect(visited.verdict == .review, "one-off visitors who think are no reason to act on their own")
        #expect(
            visited.evidence.first?.contains("of whom 40 sent nothing but stand-alone requests for long reasoning") == true,
            "\(visited.evidence)")
        #expect(
            result.accounts.first { $0.accountID == "thinking-reseller" }?.verdict != .attack,
            "customers who think at length in conversations are not a stream")
    }

    /// The end users of a router that mints ids forever are tracked in two generations; those
    /// retired keep counting.
    @Test func endUserStreamsStayBoundedAndKeepRetiredUsers() {
        var stream = EndUserStream()
        let total = EndUserStream.generation * 5
        for user in 0..<total {
            stream.add(endUser: UInt64(user), shaped: user % 4 == 0)
            if user % 4 == 0 { stream.add(endUser: UInt64(user), shaped: true) }
        }
        // A returning customer who once asked a short question is no stream user.
        stream.add(endUser: UInt64(total - 4), shaped: false)
        #expect(stream.streamUsers == total / 4 - 1)
        #expect(stream.streamRequests == (total / 4 - 1) * 2)
    }

    @Test func fewExchangesAreNeverEnough() {
        var log = CraftedLog()
        for i in 0..<3 {
            log.add(
                account: "brand-new", at: start.adding(seconds: Double(i)),
                prompt: "Think step by step and show all your reasoning: \(problems[i])",
                maxTokens: 64000, thinkingBudget: 31999, tier: "education", verified: false)
        }
        #expect(log.analyze().accounts.isEmpty)
    }

    @Test func verdictsFollowTheOutputContract() throws {
        let json = campaignLog().analyze().json
        let organicEvents = (0..<30).reduce(0) { $0 + 10 + $1 % 7 }
        #expect(json["events_analyzed"]?.intValue == 480 + organicEvents)
        #expect(json["events_rejected"] == 0)
        #expect(json["accounts_analyzed"] == 42)
        let account = try #require(json["accounts"]?.arrayValue?.first)
        for key in ["account_id", "verdict", "score", "cluster_id", "first_flagged_at", "signals", "evidence"] {
            #expect(account[key] != nil, "\(key)")
        }
        #expect(account["signals"]?.arrayValue?.first?["contribution"] != nil)
        let cluster = try #require(json["clusters"]?.arrayValue?.first)
        for key in ["cluster_id", "verdict", "score", "accounts", "exchanges", "capabilities", "templates", "links"] {
            #expect(cluster[key] != nil, "\(key)")
        }
        let score = try #require(account["score"]?.doubleValue)
        #expect((0...1).contains(score))
    }
}

struct ScoringModelTests {
    @Test func fitsSeparableDataAndSetsThresholdsAboveEveryBenignAccount() {
        let names = AccountSignals.names
        func signals(_ harvest: Double) -> AccountSignals {
            var log = CraftedLog()
            log.add(account: "x", at: Timestamp(milliseconds: 0), prompt: "hi")
            var engine = DetectionEngine()
            engine.ingest(log.events[0], ExchangeFeatures(log.events[0]))
            var s = engine.signalsByAccount()[0].signals
            s.values = names.map { $0 == "cot_elicitation_rate" || $0 == "maximal_budget_rate" ? harvest : 0.1 }
            return s
        }
        let samples = (0..<40).map { (signals(Double($0 % 10) / 40), false) } + (0..<20).map { (signals(0.7 + Double($0 % 5) / 20), true) }
        let model = ScoringModel.fit(samples, iterations: 2000)
        let highestBenign = samples.filter { !$0.1 }.map { model.score($0.0) }.max()!
        #expect(model.attackThreshold > highestBenign)
        #expect(samples.filter { $0.1 }.allSatisfy { model.score($0.0) >= model.attackThreshold })
        #expect(model.reviewThreshold <= model.attackThreshold)
    }

    /// Signals of one account with the named values (others 0).
    static func signals(_ values: [String: Double]) -> AccountSignals {
        var log = CraftedLog()
        log.add(account: "x", at: Timestamp(milliseconds: 0), prompt: "hi")
        var engine = DetectionEngine()
        engine.ingest(log.events[0], ExchangeFeatures(log.events[0]))
        var s = engine.signalsByAccount()[0].signals
        s.values = AccountSignals.names.map { values[$0] ?? 0 }
        return s
    }

    @Test func heavyUseAloneIsNeverActedOnHowEverHighItScores() {
        // A coding agent's profile: reasoning and maximal budgets on every request, a new account,
        // one capability, round the clock. The default model scores it at attack level, but no
        // signal specific to harvesting corroborates it: a person reviews it, nothing is enforced.
        let model = ScoringModel.default
        let heavy = Self.signals([
            "reasoning_request_rate": 1, "maximal_budget_rate": 1, "account_youth": 1, "capability_concentration": 1,
            "output_input_ratio": 1, "hour_flatness": 1, "timing_regularity": 1, "unverified": 1, "cloud_share": 1,
        ])
        #expect(model.score(heavy) >= model.attackThreshold)
        #expect(!model.isCorroborated(heavy))
        #expect(model.verdict(score: model.score(heavy), signals: heavy, exchanges: 100) == .review)
        var harvest = heavy
        harvest.values[AccountSignals.names.firstIndex(of: "cot_elicitation_rate")!] = 0.8
        #expect(model.isCorroborated(harvest))
        #expect(model.verdict(score: model.score(harvest), signals: harvest, exchanges: 100) == .attack)
    }

    @Test func fittingKeepsHarvestSignalsCountingAndHeavyUseBounded() {
        // Training data in which heavy use alone separates the classes, and no campaign rotates
        // networks or shares a card: the fit may not lean on heavy use past the ceiling, and the
        // signals it has never seen still count for harvesting.
        let samples =
            (0..<40).map { (Self.signals(["maximal_budget_rate": Double($0 % 10) / 40]), false) }
            + (0..<20).map { _ in (Self.signals(["maximal_budget_rate": 0.9, "cot_elicitation_rate": 0.6]), true) }
        let model = ScoringModel.fit(samples, iterations: 2000)
        let weight = { (name: String) in model.weights[AccountSignals.names.firstIndex(of: name)!] }
        #expect(weight("maximal_budget_rate") <= ScoringModel.heavyUseCeiling)
        for name in ScoringModel.corroboratingSignals { #expect(weight(name) >= ScoringModel.corroboratingFloor, "\(name)") }
        #expect(ScoringModel.corroboratingSignals.isDisjoint(with: ScoringModel.heavyUseSignals))
    }

    @Test func modelFilesRoundTripAndBadOnesFailClearly() throws {
        let model = ScoringModel.default
        #expect(try ScoringModel(json: model.json, source: "m.json") == model)
        var broken = model.json
        if case .object(var object) = broken {
            object["signals"] = ["no_such_signal"]
            object["weights"] = [1]
            broken = .object(object)
        }
        #expect {
            _ = try ScoringModel(json: broken, source: "m.json")
        } throws: { "\($0)" == "m.json: unknown signal 'no_such_signal'" }
        #expect(throws: ModelFileError.self) { _ = try ScoringModel(json: ["format": "other"], source: "m.json") }

        // `established_accounts`: absent is the default, null turns it off, a bad one is named.
        func with(_ value: JSONValue?) -> JSONValue {
            guard case .object(var object) = model.json else { return model.json }
            object["established_accounts"] = value
            return .object(object)
        }
        #expect(try ScoringModel(json: with(nil), source: "m.json").establishedAccounts == .default)
        #expect(try ScoringModel(json: with(.null), source: "m.json").establishedAccounts == nil)
        var off = model
        off.establishedAccounts = nil
        #expect(try ScoringModel(json: off.json, source: "m.json") == off)
        let custom = EstablishedAccounts(minimumAgeDays: 365, tiers: ["enterprise"])
        #expect(try ScoringModel(json: with(custom.json), source: "m.json").establishedAccounts == custom)
        #expect {
            _ = try ScoringModel(json: with(["minimum_age_days": -1, "tiers": ["enterprise"]]), source: "m.json")
        } throws: { "\($0)" == "m.json: `established_accounts.minimum_age_days` must be a whole number of days ≥ 0" }
        #expect {
            _ = try ScoringModel(json: with(["minimum_age_days": 180, "tiers": []]), source: "m.json")
        } throws: { "\($0)".hasPrefix("m.json: `established_accounts.tiers` must be a non-empty array") }
    }
}

struct EvaluationTests {
    @Test func computesPrecisionRecallFalsePositivesAndTimeToDetect() throws {
        let t0 = Timestamp(rfc3339: "2026-02-01T00:00:00Z")!
        let labels: [String: GroundTruth] = [
            "a1": GroundTruth(isAttack: true, campaign: "c", kind: "hydra"),
            "a2": GroundTruth(isAttack: true, campaign: "c", kind: "hydra"),
            "a3": GroundTruth(isAttack: true, campaign: "d", kind: "evasive"),
            "b1": GroundTruth(isAttack: false, campaign: nil, kind: "organic"),
            "b2": GroundTruth(isAttack: false, campaign: nil, kind: "eval_harness"),
            // Labelled, but sent nothing in the log: left out of every figure.
            "a4": GroundTruth(isAttack: true, campaign: "c", kind: "hydra"),
        ]
        let flags = FlagSet(name: "test", flags: ["a1": (.attack, t0.adding(seconds: 7200)), "a3": (.review, t0), "b2": (.review, t0)])
        var traffic = CampaignTraffic()
        var log = CraftedLog()
        for (account, count) in [("a1", 10), ("a2", 30), ("a3", 5), ("b1", 3), ("b2", 4)] {
            for i in 0..<count { log.add(account: account, at: t0.adding(seconds: Double(i * 600)), prompt: "x") }
        }
        for event in log.events { traffic.add(event, labels: labels) }
        let report = EvaluationReport(flags: flags, labels: labels, traffic: traffic)
        #expect(report.attack.truePositives == 1 && report.attack.falsePositives == 0 && report.attack.falseNegatives == 2)
        #expect(report.attackOrReview.truePositives == 2 && report.attackOrReview.falsePositives == 1)
        #expect(report.benignByKind["eval_harness"]! == (1, 0, 1))
        #expect(report.exchangeWeightedRecall == 10.0 / 45)
        let c = try #require(report.campaigns.first { $0.campaign == "c" })
        #expect(c.accounts == 2 && c.recall == 0.5 && c.hoursToDetect == 2 && c.exchangesBeforeFlag == 22 && c.exchanges == 40)
        #expect(report.notInLog! == (1, 1))
        #expect(report.text.contains("attack            precision 1.000  recall 0.333"))
        #expect(report.text.contains("labelled accounts with no exchanges in the logs, not counted: 1 (1 labelled attack)"))
        #expect(report.json["not_in_log"]?["accounts"]?.intValue == 1)
        // Without the events, nothing tells a silent account from a missed one: every label counts.
        let blind = EvaluationReport(flags: flags, labels: labels, traffic: nil)
        #expect(blind.attack.falseNegatives == 3 && blind.notInLog == nil)
    }
}

struct ReportTests {
    @Test func htmlReportIsSelfContainedAndShowsTheCluster() {
        var log = EngineTests().campaignLog()
        log.add(account: "harvester-0", at: Timestamp(rfc3339: "2026-02-03T00:00:00Z")!, prompt: "mail me at bob@example.com")
        let html = HTMLReport(result: log.analyze()).render()
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("cluster-0001") && html.contains("<svg") && html.contains("Capability mix"))
        #expect(!html.contains("src=\"http") && !html.contains("<script") && !html.contains("<link"))
        #expect(!html.contains("bob@example.com"))
    }

    @Test(arguments: [
        ("write to bob.smith@example.com today", "write to [email] today"), ("key sk-abc123def456ghi789 leaked", "key [key] leaked"),
        ("call +1 (415) 555-0100 now", "call [phone] now"), ("card 4111111111111111.", "card [card]."),
        ("nothing to hide here", "nothing to hide here"),
        ("fails in /Users/first.last/src/app.py line 3", "fails in /Users/[user]/src/app.py line 3"),
        ("cd /home/jdoe && make", "cd /home/[user] && make"), (#"C:\Users\Jane Doe\Desktop\a.txt"#, #"C:\Users\[user]\Desktop\a.txt"#),
        (#"{"path":"C:\\Users\\Jane Doe\\x"}"#, #"{"path":"C:\\Users\\[user]\\x"}"#),
        ("/mnt/c/Users/jane/Downloads and /home/", "/mnt/c/Users/[user]/Downloads and /home/"),
    ])
    func redactsPersonalData(text: String, expected: String) {
        #expect(Redaction.redact(text) == expected)
    }
}

extension EngineTests {
    @Test func weakLinksAddUpToAClusterOnlyWhenTogetherTheyAreStrong() {
        var log = CraftedLog()
        let wordings = [
            "Think step by step and show your reasoning: how many apples are in crate 7?",
            "Please explain your reasoning in detail before answering whether ship 7 floats.",
            "Write out your complete chain of thought for riddle 7 about the clock tower.",
            "Reason through every stage carefully and show the work for budget line 7.",
        ]
        // Accounts 0 and 1 share a /24, were created in the same hour and work the same hours:
        // weak artefacts that add up. Accounts 2 and 3 share only an SDK and an ASN.
        let setups: [(ip: String, created: Double, hour: Double)] = [
            ("3.80.1.10", -86_400, 2), ("3.80.1.77", -86_000, 2), ("52.14.9.3", -20 * 86_400, 10), ("18.204.3.8", -40 * 86_400, 18),
        ]
        for (account, setup) in setups.enumerated() {
            for day in 0..<30 {
                let time = start.adding(seconds: Double(day) * 86_400 + setup.hour * 3600 + Double(account * 60))
                log.add(
                    account: "op-\(account)", at: time, prompt: wordings[account].replacingOccurrences(of: "7", with: String(day)),
                    maxTokens: 64000, thinkingBudget: 31999, payment: "pm_own\(account)", ip: setup.ip, asn: 16509, tier: "research",
                    verified: false, createdAt: start.adding(seconds: setup.created))
            }
        }
        let result = log.analyze()
        #expect(result.accounts.filter { $0.verdict == .attack }.count == 4)
        #expect(result.clusters.count == 1)
        #expect(result.clusters.first?.accounts == ["op-0", "op-1"])
        #expect(result.clusters.first?.links.contains { $0.name == "synchronized_activity" && $0.count == 2 } == true)
        #expect(result.clusters.first?.links.contains { $0.name == "shared_ip_prefix" && $0.count == 2 } == true)
    }
}
