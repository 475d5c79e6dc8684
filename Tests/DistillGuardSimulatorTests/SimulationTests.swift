import DistillGuardCore
import DistillGuardSimulator
import DistillGuardTesting
import Foundation
import Testing

/// Runs the built-in scenario at a reduced size so the suite stays quick; the properties checked
/// do not depend on size.
struct SimulationTests {
    let directory = TemporaryDirectory()

    func feb2026(events: Int = 6000) throws -> Scenario {
        var scenario = try #require(try BuiltInScenarios.scenario(named: "feb-2026"))
        scenario.events.small = events
        return scenario
    }

    func simulate(
        _ scenario: Scenario, seed: UInt64, into name: String, corpus: PromptCorpus? = nil
    ) throws -> (
        events: String, labels: String, summary: Simulation.Summary
    ) {
        let events = directory.file("\(name)-events.jsonl")
        let labels = directory.file("\(name)-labels.jsonl")
        let summary = try Simulation(scenario: scenario, seed: seed, scale: .small, corpus: corpus).run(
            eventsPath: events, labelsPath: labels)
        return (events, labels, summary)
    }

    func labels(_ path: String) throws -> [String: JSONValue] {
        var byAccount: [String: JSONValue] = [:]
        try JSONLinesFile.forEachLine(path) { line in
            let value = try JSONParser.parse(line)
            byAccount[value["account_id"]!.stringValue!] = value
        }
        return byAccount
    }

    @Test func sameSeedGivesByteIdenticalOutput() throws {
        let scenario = try feb2026(events: 3000)
        let a = try simulate(scenario, seed: 11, into: "a")
        let b = try simulate(scenario, seed: 11, into: "b")
        let c = try simulate(scenario, seed: 12, into: "c")
        let bytes = { (path: String) in FileManager.default.contents(atPath: path)! }
        #expect(bytes(a.events) == bytes(b.events))
        #expect(bytes(a.labels) == bytes(b.labels))
        #expect(bytes(a.events) != bytes(c.events))
    }

    @Test func everyLineConformsToTheContractInEveryAPIShape() throws {
        let run = try simulate(try feb2026(), seed: 3, into: "contract")
        var reader = EventLogReader(configuration: .init(rejectsPath: directory.file("rejects.jsonl")))
        var apis: [Event.API: Int] = [:]
        var previous = Timestamp(milliseconds: .min)
        var checked = 0
        let summary = try reader.read([run.events]) { event in
            apis[event.api, default: 0] += 1
            #expect(event.timestamp >= previous, "events are in time order")
            previous = event.timestamp
            #expect(event.client.ip != nil && event.client.asn != nil && event.client.country != nil)
            #expect(event.client.userAgent?.contains(where: \.isNumber) == true, "user agents carry SDK versions")
            #expect(event.account.createdAt != nil && event.account.tier != nil && event.account.paymentFingerprint != nil)
            #expect(event.account.emailDomain != nil && event.account.verified != nil)
            #expect(event.account.createdAt! <= event.timestamp, "no account is used before it exists")
            #expect(event.response != nil && !event.exchange.outputText.isEmpty)
            #expect((event.usage.inputTokens ?? 0) > 0 && (event.usage.outputTokens ?? 0) > 0)
            #expect(event.usage.outputTokens! >= event.exchange.outputText.utf8.count / 8, "usage is consistent with the response")
            if event.exchange.reasoning.enabled, event.api == .anthropicMessages {
                #expect(!event.exchange.reasoningText.isEmpty, "thinking requested → thinking block returned")
            }
            checked += 1
        }
        #expect(summary.rejected == 0 && summary.duplicates == 0)
        #expect(checked == run.summary.events)
        #expect(Set(apis.keys) == Set(Event.API.allCases))
        #expect(apis.values.allSatisfy { $0 > 100 })
    }

    @Test func everyCampaignAndHardNegativeKindIsLabelled() throws {
        let run = try simulate(try feb2026(events: 3000), seed: 4, into: "labels")
        let labels = try labels(run.labels)
        let kinds = Set(labels.values.compactMap { $0["kind"]?.stringValue })
        #expect(
            kinds.isSuperset(of: [
                "organic", "early_adopter", "enterprise_batch", "eval_harness", "llm_judge", "reseller", "agent_platform",
                "university_class", "reasoning_harvest", "agentic_harvest", "coding_hydra", "reseller_mixed", "evasive",
            ]))
        let campaigns = Set(labels.values.compactMap { $0["campaign"]?.stringValue })
        #expect(campaigns == ["reasoning-harvest", "agentic-harvest", "coding-hydra", "reseller-mixed", "evasive"])
        for label in labels.values {
            let isAttack = label["label"] == "attack"
            #expect(isAttack == (label["campaign"]?.stringValue != nil), "attacks and only attacks name a campaign")
        }
        #expect(labels.count == run.summary.accounts)
    }

    @Test func restrictedRegionOperatorsAndTheirLookAlikesAreLabelledAndShaped() throws {
        let run = try simulate(try feb2026(events: 6000), seed: 5, into: "regional")
        let labels = try labels(run.labels)
        let operators = Set(labels.filter { $0.value["restricted_region"] == true }.keys)
        #expect(!operators.isEmpty)
        #expect(operators.allSatisfy { labels[$0]?["kind"] == "restricted_operator" && labels[$0]?["label"] == "attack" })
        let kinds = Set(labels.values.compactMap { $0["kind"]?.stringValue })
        #expect(kinds.isSuperset(of: ["expatriate", "vpn_traveller", "office_abroad"]))
        var paymentCountries: [String: Set<String>] = [:]
        var chinesePrompts = 0
        var operatorEvents = 0
        var vpnOrganizations = Set<String>()
        try JSONLinesFile.forEachLine(run.events) { line in
            let event = try EventDecoder.decode(line: line)
            let kind = labels[event.accountID]?["kind"]?.stringValue ?? ""
            if let country = event.account.paymentCountry { paymentCountries[kind, default: []].insert(country) }
            if kind == "vpn_traveller", let organization = event.client.asnOrg { vpnOrganizations.insert(organization) }
            if operators.contains(event.accountID) {
                operatorEvents += 1
                #expect(event.account.declaredCountry != "CN", "operators declare another country")
                if ScriptLanguage.detect(event.exchange.lastUserText) == "zh" { chinesePrompts += 1 }
            }
        }
        #expect(paymentCountries["restricted_operator"] == ["CN"] && paymentCountries["office_abroad"] == ["US"])
        #expect(paymentCountries["organic"] == nil, "only populations that set payment_countries write the extension field")
        #expect(vpnOrganizations.isSubset(of: ["M247 Europe SRL", "Datacamp Limited", "PacketHub S.A."]) && !vpnOrganizations.isEmpty)
        #expect(operatorEvents > 0 && chinesePrompts > 0)
    }

    @Test func thinTraceOperatorsSendAFewRequestsFromHomeAndTheirLookAlikesToo() throws {
        var scenario = try #require(try BuiltInScenarios.scenario(named: "restricted-2026"))
        scenario.events.small = 12_000
        let run = try simulate(scenario, seed: 5, into: "thin")
        let labels = try labels(run.labels)
        let operatorKinds: Set<String> = ["cn_cloud_operator", "cn_proxy_operator", "ru_cloud_operator", "ir_proxy_operator"]
        for (_, label) in labels where operatorKinds.contains(label["kind"]?.stringValue ?? "") {
            #expect(label["restricted_region"] == true && label["label"] == "attack")
        }
        #expect(labels.values.filter { $0["kind"] == "emigrant" }.allSatisfy { $0["restricted_region"] == false })
        var requests: [String: Int] = [:]
        var fromHome: [String: Int] = [:]
        var homeNetworks = Set<String>()
        var paymentCountries = 0
        try JSONLinesFile.forEachLine(run.events) { line in
            let event = try EventDecoder.decode(line: line)
            let kind = labels[event.accountID]?["kind"]?.stringValue ?? ""
            guard operatorKinds.contains(kind) || kind == "emigrant" else { return }
            requests[kind, default: 0] += 1
            if ["CN", "RU", "IR"].contains(event.client.country ?? "") {
                fromHome[kind, default: 0] += 1
                homeNetworks.insert(event.client.asnOrg ?? "")
            }
            if operatorKinds.contains(kind), event.account.paymentCountry != nil { paymentCountries += 1 }
        }
        for kind in operatorKinds.union(["emigrant"]) {
            let share = Double(fromHome[kind] ?? 0) / Double(max(requests[kind] ?? 0, 1))
            #expect(requests[kind] ?? 0 > 100 && share > 0.005 && share < 0.12, "\(kind): \(share) of requests from home")
        }
        #expect(
            homeNetworks.isSubset(of: [
                "China Telecom", "China Unicom", "Rostelecom", "MTS PJSC", "Iran Telecommunication Company PJS",
                "Iran Cell Service and Communication Company",
            ]))
        #expect(paymentCountries == 0, "thin traces: no payment from home")
    }

    @Test func homeNetworkShareNeedsHomeCountriesItKnows() throws {
        var scenario = try #require(try BuiltInScenarios.scenario(named: "restricted-2026"))
        let index = try #require(scenario.populations.firstIndex { $0.kind == "emigrant" })
        scenario.populations[index].homeCountries = nil
        #expect {
            _ = try Scenario.decode(try JSONEncoder().encode(scenario), source: "my.json")
        } throws: { error in
            "\(error)".contains("`populations[\(index)]` (emigrants who visit home): `home_network_share` needs `home_countries`")
        }
        scenario.populations[index].homeCountries = ["AQ"]
        #expect {
            _ = try Scenario.decode(try JSONEncoder().encode(scenario), source: "my.json")
        } throws: { error in
            "\(error)".contains("the simulator knows no consumer network in 'AQ'")
        }
    }

    @Test func theHydraMovesAboutHalfItsTrafficToTheNewModelWithinADay() throws {
        let run = try simulate(try feb2026(events: 20000), seed: 5, into: "hydra")
        let labels = try labels(run.labels)
        let release = Timestamp(rfc3339: "2026-02-09T00:00:00Z")!
        var before = (new: 0, all: 0)
        var after = (new: 0, all: 0)
        var reader = EventLogReader()
        _ = try reader.read([run.events]) { event in
            guard labels[event.accountID]?["kind"] == "coding_hydra" else { return }
            let isNew = ["claude-opus-4-6", "gpt-5.3"].contains(event.exchange.model ?? "")
            if event.timestamp < release {
                before.all += 1
                before.new += isNew ? 1 : 0
            } else if event.timestamp >= release.adding(seconds: 86_400), event.timestamp < release.adding(seconds: 3 * 86_400) {
                after.all += 1
                after.new += isNew ? 1 : 0
            }
        }
        #expect(before.new == 0, "nobody uses a model before it exists")
        let share = Double(after.new) / Double(max(after.all, 1))
        #expect(after.all > 100)
        #expect(share > 0.35 && share < 0.65, "about half after 24 hours, got \(share)")
    }

    /// `adaptive-2026`: all of feb-2026 plus three campaigns shaped against the published detection.
    @Test func adaptiveCampaignsAreShapedAsDescribed() throws {
        var scenario = try #require(try BuiltInScenarios.scenario(named: "adaptive-2026"))
        let feb = try feb2026()
        #expect(scenario.populations.count == feb.populations.count + 3, "every feb-2026 population, and the three campaigns")
        #expect(abs(scenario.populations.reduce(0) { $0 + $1.share } - 1) < 0.001)
        scenario.events.small = 20000
        let run = try simulate(scenario, seed: 9, into: "adaptive")
        let labels = try labels(run.labels)
        var requests: [String: Int] = [:]
        var openings: [String: Set<String>] = [:]
        var streamEndUsers = Set<String>()
        var maximal = (stream: 0, all: 0)
        var cover = 0
        var reader = EventLogReader()
        _ = try reader.read([run.events]) { event in
            let kind = labels[event.accountID]?["kind"]?.stringValue ?? ""
            requests[kind + "/" + event.accountID, default: 0] += 1
            let text = event.exchange.turns.last?.text ?? ""
            switch kind {
            case "adaptive_paraphrase":
                if text.contains("Problem") || text.contains("solution") || text.contains("derivation") || text.contains("calcul") {
                    openings[event.accountID, default: []].insert(String(text.prefix(12)))
                } else {
                    cover += 1
                }
                #expect(!ExchangeFeatures(event).cotElicitation, "the campaign avoids every chain-of-thought phrase: \(text)")
            case "adaptive_router" where event.exchange.reasoning.enabled:
                if let endUser = event.endUserID, endUser.contains("_r") {
                    streamEndUsers.insert(endUser)
                    maximal.stream += event.exchange.maxOutputTokens ?? 0 >= 32000 ? 1 : 0
                    maximal.all += 1
                }
            default: break
            }
        }
        let throwaways = requests.filter { $0.key.hasPrefix("adaptive_throwaway/") }.map(\.value)
        #expect(throwaways.count > 50)
        #expect(Double(throwaways.reduce(0, +)) / Double(throwaways.count) < 5, "throwaways send a few requests each")
        #expect(cover > 0, "the paraphrasing operator mixes ordinary chat in")
        let sharedOpenings = openings.values.reduce(into: [String: Int]()) { counts, set in for o in set { counts[o, default: 0] += 1 } }
        #expect(openings.count >= 20 && sharedOpenings.values.max() ?? 0 < openings.count / 2, "no wrapper is shared by most accounts")
        #expect(streamEndUsers.count > 40, "the router's stream rotates end-user ids (\(streamEndUsers.count))")
        #expect(Double(maximal.stream) < 0.3 * Double(max(maximal.all, 1)), "the stream rarely asks for maximal budgets")
    }

    /// `app_backend` (Benchmarks/detection_variants.py app-backends): each app frames its end
    /// users' questions under a system prompt of its own, which no other app shares, with thinking
    /// at the population's rate; some apps pass their end users' ids, and end users follow up.
    @Test func appBackendsFrameTheirEndUsersQuestionsPrivately() throws {
        var scenario = try feb2026(events: 6000)
        let apps = try JSONDecoder().decode(
            Population.self,
            from: Data(
                #"""
                {
                  "name": "tutoring app backends", "kind": "app_backend", "label": "benign", "campaign": null, "behavior": "app_backend",
                  "share": 0.3, "accounts": 8, "scale_accounts": false, "activity": "diurnal", "volume": "even",
                  "tiers": { "startup": 1 }, "apis": { "anthropic.messages": 0.5, "openai.chat_completions": 0.5 },
                  "network": "cloud", "countries": ["US"], "created_days": [-500, -40], "verified": 1,
                  "templates": ["{problem}", "{question}"], "end_users": 3000, "reasoning_rate": 0.6, "max_budget_rate": 0
                }
                """#.utf8))
        scenario.populations =
            scenario.populations.map { population in
                var population = population
                population.share *= 0.7
                return population
            } + [apps]
        let run = try simulate(scenario, seed: 12, into: "apps")
        let labels = try labels(run.labels)
        var systems: [String: Set<String>] = [:]
        var passesEndUsers: [String: Bool] = [:]
        var first = (all: 0, thinking: 0)
        var followUps = 0
        var reader = EventLogReader()
        _ = try reader.read([run.events]) { event in
            guard labels[event.accountID]?["kind"]?.stringValue == "app_backend" else { return }
            systems[event.accountID, default: []].insert(event.exchange.system)
            passesEndUsers[event.accountID] = event.endUserID != nil
            if event.exchange.turns.count == 1 {
                first.all += 1
                first.thinking += event.exchange.reasoning.enabled ? 1 : 0
            } else {
                followUps += 1
            }
        }
        #expect(systems.count == 8)
        #expect(systems.values.allSatisfy { $0.count == 1 && !$0.first!.isEmpty }, "one system prompt per app")
        #expect(Set(systems.values.map { $0.first! }).count == 8, "no two apps share a system prompt")
        #expect(Set(passesEndUsers.values) == [true, false], "some apps pass their end users' ids, some do not")
        let thinking = Double(first.thinking) / Double(max(first.all, 1))
        #expect(first.all > 500 && thinking > 0.45 && thinking < 0.75, "thinking on about 60% (\(thinking) of \(first.all))")
        #expect(followUps > 50, "end users follow up (\(followUps))")
    }

    /// The laundering router's variants: its stream under its real customers' ids, or under none.
    @Test(arguments: ["customers", "none"])
    func theRoutersStreamCanHideUnderItsCustomersIdsOrNone(_ choice: String) throws {
        var scenario = try #require(try BuiltInScenarios.scenario(named: "adaptive-2026"))
        let router = try #require(scenario.populations.firstIndex { $0.kind == "adaptive_router" })
        scenario.populations[router].endUserRotationHours = nil
        scenario.populations[router].streamEndUsers = choice
        scenario.events.small = 20000
        let run = try simulate(scenario, seed: 9, into: "router-\(choice)")
        let labels = try labels(run.labels)
        var stream = (requests: 0, endUsers: Set<String>())
        var withoutEndUser = (all: 0, long: 0)
        var ordinaryEndUsers = Set<String>()
        var reader = EventLogReader()
        _ = try reader.read([run.events]) { event in
            guard labels[event.accountID]?["kind"]?.stringValue == "adaptive_router" else { return }
            // The stream asks for long reasoning on every request, stand-alone and without tools;
            // of the customers' own traffic, only now and then a message of one who thinks on
            // every message does (coding agents' tool loops carry tools).
            let long =
                event.exchange.reasoning.enabled && event.exchange.maxOutputTokens ?? 0 >= 16000 && event.exchange.tools.isEmpty
                && !event.exchange.turns.contains { $0.role == .assistant }
            guard let endUser = event.endUserID else {
                withoutEndUser.all += 1
                withoutEndUser.long += long ? 1 : 0
                return
            }
            if long {
                stream.requests += 1
                stream.endUsers.insert(endUser)
            } else {
                ordinaryEndUsers.insert(endUser)
            }
        }
        #expect(!stream.endUsers.contains { $0.contains("_r") || $0.contains("_h") }, "no ids of the stream's own")
        if choice == "none" {
            #expect(withoutEndUser.all > 50 && withoutEndUser.long == withoutEndUser.all, "\(withoutEndUser)")
        } else {
            #expect(withoutEndUser.all == 0 && stream.requests > 50, "\(stream.requests) long requests")
            let shared = stream.endUsers.intersection(ordinaryEndUsers)
            #expect(
                Double(shared.count) > 0.5 * Double(stream.endUsers.count),
                "\(shared.count) of \(stream.endUsers.count) also send their own")
        }
    }

    /// A reseller's end users are people of one kind each (`end_user_mix`), each in their own
    /// conversations: the coding agents' sessions and the thinking-on users' messages are not
    /// spread over other end users' ids.
    @Test func resellersServeEndUsersOfOneKindEachInTheirOwnConversations() throws {
        var scenario = try #require(try BuiltInScenarios.scenario(named: "feb-2026"))
        let resellers = try #require(scenario.populations.firstIndex { $0.kind == "reseller" })
        #expect(scenario.populations[resellers].endUserMix == ["chat": 0.65, "thinking": 0.15, "coding_agent": 0.2])
        scenario.events.small = 20000
        let run = try simulate(scenario, seed: 12, into: "reseller-end-users")
        let labels = try labels(run.labels)
        struct EndUser {
            var requests = 0
            var agentic = 0
            var thinking = 0
            var followUpsOfOthers = 0
            var followUps = 0
            var resendingTheirAnswer = 0
            var answers = Set<String>()
        }
        var endUsers: [String: EndUser] = [:]
        // Who opened a conversation with this text (end users may happen to type the same).
        var openers: [String: Set<String>] = [:]
        var reader = EventLogReader()
        _ = try reader.read([run.events]) { event in
            guard labels[event.accountID]?["kind"]?.stringValue == "reseller", let id = event.endUserID else { return }
            let exchange = event.exchange
            var endUser = endUsers[id] ?? EndUser()
            endUser.requests += 1
            if !exchange.tools.isEmpty && exchange.system.count > 1000 { endUser.agentic += 1 }
            if exchange.reasoning.enabled || exchange.reasoning.effort != nil { endUser.thinking += 1 }
            if let opening = exchange.turns.first(where: { $0.role == .user })?.text {
                // (A coding agent's last assistant turn is its tool call, with no text.)
                if let resent = exchange.turns.last(where: { $0.role == .assistant && !$0.text.isEmpty }) {
                    endUser.followUps += 1
                    if endUser.answers.contains(resent.text) { endUser.resendingTheirAnswer += 1 }
                    if !(openers[opening]?.contains(id) ?? false) { endUser.followUpsOfOthers += 1 }
                } else {
                    openers[opening, default: []].insert(id)
                }
            }
            endUser.answers.insert(exchange.outputText)
            endUsers[id] = endUser
        }
        let busy = endUsers.values.filter { $0.requests >= 3 }
        let agents = busy.filter { $0.agentic > 0 }
        let thinkers = busy.filter { $0.agentic == 0 && $0.thinking == $0.requests }
        #expect(busy.count > 100, "\(busy.count) end users with 3 requests or more")
        #expect(agents.allSatisfy { $0.agentic == $0.requests }, "a coding agent's end user sends nothing but tool loops")
        let agentShare = Double(agents.count) / Double(busy.count)
        let thinkerShare = Double(thinkers.count) / Double(busy.count)
        #expect(agentShare > 0.1 && agentShare < 0.3, "coding agents: \(agents.count) of \(busy.count)")
        #expect(thinkerShare > 0.07 && thinkerShare < 0.3, "thinking on every message: \(thinkers.count) of \(busy.count)")
        #expect(endUsers.values.allSatisfy { $0.followUpsOfOthers == 0 }, "follow-ups stay in their end user's conversation")
        let followUps = endUsers.values.reduce(0) { $0 + $1.followUps }
        let resending = endUsers.values.reduce(0) { $0 + $1.resendingTheirAnswer }
        #expect(
            followUps > 200 && resending == followUps, "\(resending) of \(followUps) follow-ups re-send the answer their end user received")
        #expect(endUsers.values.reduce(0) { $0 + $1.requests } > 500)
    }

    @Test func corpusPromptsAreMixedIntoBenignTrafficOnly() throws {
        let corpus = PromptCorpus(
            conversations: (0..<50).map {
                .init(text: "CORPUS-MARKER-\($0) how do I bake bread at altitude?", followups: ["CORPUS-FOLLOWUP-\($0) and without yeast?"])
            })
        let run = try simulate(try feb2026(events: 4000), seed: 6, into: "corpus", corpus: corpus)
        let labels = try labels(run.labels)
        var benignWithCorpus = 0
        var followups = 0
        var reader = EventLogReader()
        _ = try reader.read([run.events]) { event in
            let text = event.exchange.turns.map(\.text).joined(separator: "\n")
            guard text.contains("CORPUS-") else { return }
            #expect(labels[event.accountID]?["label"] == "benign" || labels[event.accountID]?["kind"] == "reseller_mixed")
            benignWithCorpus += 1
            if text.contains("CORPUS-FOLLOWUP-") { followups += 1 }
        }
        #expect(benignWithCorpus > 200)
        #expect(followups > 0, "a corpus conversation's follow-ups become later turns")
    }

    @Test func loadsACorpusFileAndSkipsUnusableLines() throws {
        let text = [#"{"id":1,"text":"hello there","followups":["more"]}"#, #"{"id":2}"#, "not json", #"{"text":"   "}"#].joined(
            separator: "\n")
        let path = directory.write("corpus.jsonl.gz", bytes: Gzip.compress(Array(text.utf8)))
        let (corpus, skipped) = try PromptCorpus.load(path: path)
        #expect(corpus.conversations.count == 1)
        #expect(corpus.conversations[0].followups == ["more"])
        #expect(skipped == 3)
    }

    @Test(arguments: [
        (#""countries": ["US"#, #""countries": ["XX"#, "unknown country code 'XX'"),
        (#""share": 0.214"#, #""share": 0.5"#, "add up to"),
        (#""payment_countries": ["CN"]"#, #""payment_countries": ["ZZ"]"#, "unknown country code 'ZZ'"),
        (#""operator_countries": ["CN"]"#, #""operator_countries": ["Q1"]"#, "unknown country code 'Q1'"),
        (#""prompt_language": "zh", "prompt_language_share": 0.5"#, #""prompt_language": "xx""#, "`prompt_language` 'xx'"),
        (#""label": "benign""#, #""label": "fine""#, "`label` must be attack or benign"),
        (#""start": "2026-02-01T00:00:00Z""#, #""start": "Feb 1""#, "RFC 3339"),
        (#""behavior": "organic""#, #""behavior": "chaos""#, "behavior"),
        (#""kind": "organic", "#, "", "`populations[0].kind` is required"),
        (#""paraphrase": 0.35"#, #""paraphrase": 1.35"#, "`paraphrase` must be between 0 and 1, got 1.35"),
        (
            #""hidden_stream_share": 0.35"#, #""hidden_stream_share": 0.35, "stream_end_users": "everyone""#,
            "`stream_end_users` must be one of [\"customers\", \"none\"], got 'everyone'"
        ),
        (
            #""hidden_stream_share": 0.35"#, #""hidden_stream_share": 0.35, "stream_end_users": "none", "end_user_rotation_hours": 2"#,
            "`stream_end_users` and `end_user_rotation_hours` exclude each other"
        ),
        (#""coding_agent": 0.2 }"#, #""coder": 0.2 }"#, "`end_user_mix`: unknown kind 'coder'"),
        (
            #""chat": 0.65, "thinking": 0.15, "coding_agent": 0.2"#, #""chat": 0, "thinking": 0, "coding_agent": 0"#,
            "`end_user_mix` weights add up to 0"
        ),
        (#""chat": 0.65,"#, #""chat": -1,"#, "`end_user_mix.chat` must be 0 or more, got -1"),
        (
            #""prompt_language": "ru", "prompt_language_share": 0.2,"#,
            #""prompt_language": "ru", "prompt_language_share": 0.2, "end_user_mix": { "chat": 1 },"#,
            "`end_user_mix` is for `reseller` and `reseller_mixed` behaviors, not `organic`"
        ),
    ])
    func badScenariosFailWithTheFieldAtFault(original: String, replacement: String, message: String) throws {
        let json = try #require(BuiltInScenarios.json(named: "feb-2026"))
        #expect(json.contains(original))
        let broken = json.replacingOccurrences(of: original, with: replacement, options: [], range: json.range(of: original))
        #expect {
            _ = try Scenario.decode(Data(broken.utf8), source: "my.json")
        } throws: { error in
            "\(error)".hasPrefix("my.json: ") && "\(error)".contains(message)
        }
    }
}
