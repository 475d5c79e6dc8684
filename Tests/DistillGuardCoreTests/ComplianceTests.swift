import DistillGuardTesting
import Testing

@testable import DistillGuardCore

/// Regional compliance on crafted accounts: each signal alone, and the combinations that make an assessment.
struct ComplianceTests {
    static let settings = ComplianceSettings(restrictedRegions: ["CN", "RU", "IR"])
    static let start = Timestamp(rfc3339: "2026-02-02T00:00:00Z")!

    /// An account's traffic: `days` days of requests at the given local hours of `utcOffset`.
    struct Account {
        var id: String
        var ipCountry = "US"
        var asn = 7922
        var asnOrg = "Comcast Cable Communications"
        var declared: String? = "US"
        var payment: String?
        var email = "gmail.com"
        var utcOffset = -6.0
        var localHours = Array(9...21)
        var prompt = "How do I make a good sourdough starter at home?"
        var days = 4
    }

    func events(_ account: Account) -> [Event] {
        var events: [Event] = []
        for day in 0..<account.days {
            for (n, hour) in account.localHours.enumerated() {
                let utc = (Double(hour) - account.utcOffset + 48).truncatingRemainder(dividingBy: 24)
                let time = Self.start.adding(seconds: Double(day) * 86_400 + utc * 3600 + Double(n))
                var accountInfo: JSONObject = ["email_domain": .string(account.email), "tier": "standard"]
                if let declared = account.declared { accountInfo["declared_country"] = .string(declared) }
                if let payment = account.payment { accountInfo["payment_country"] = .string(payment) }
                let envelope: JSONValue = [
                    "id": .string("\(account.id)-\(day)-\(n)"), "timestamp": .string(time.rfc3339), "account_id": .string(account.id),
                    "api": "anthropic.messages",
                    "client": [
                        "ip": "203.0.113.7", "country": .string(account.ipCountry), "asn": .int(Int64(account.asn)),
                        "asn_org": .string(account.asnOrg),
                    ],
                    "account": .object(accountInfo),
                    "request": [
                        "model": "m", "max_tokens": 500, "messages": [["role": "user", "content": .string(account.prompt + " #\(n)")]],
                    ],
                ]
                events.append(try! EventDecoder.decode(envelope))
            }
        }
        return events
    }

    func assess(_ accounts: [Account], settings: ComplianceSettings = Self.settings) -> [String: ComplianceAssessment] {
        var engine = DetectionEngine()
        engine.compliance = settings
        for event in accounts.flatMap(events).sorted(by: { $0.timestamp < $1.timestamp }) { engine.ingest(event, ExchangeFeatures(event)) }
        let report = engine.finish().compliance
        return Dictionary(uniqueKeysWithValues: (report?.accounts ?? []).map { ($0.subject, $0) })
    }

    func assess(_ account: Account) -> ComplianceAssessment? { assess([account])[account.id] }

    @Test func anOrdinaryCustomerHasNoAssessment() {
        #expect(assess(Account(id: "plain")) == nil)
    }

    @Test func languageAloneIsNeverEvidence() {
        let expat = Account(id: "expat", prompt: "请帮我写一封给房东的邮件，说明我下周付款会晚几天。")
        #expect(assess(expat) == nil, "speakers of every language live everywhere")
    }

    @Test func anonymizingNetworkAloneIsNeverEvidence() {
        let vpn = Account(id: "vpn", ipCountry: "NL", asn: 9009, asnOrg: "M247 Europe SRL", utcOffset: 1)
        #expect(assess(vpn) == nil, "a VPN points to no restricted region by itself")
        let traveller = Account(id: "traveller", ipCountry: "NL", asn: 9009, asnOrg: "M247 Europe SRL", utcOffset: 8)
        let assessment = assess(traveller)
        #expect(assessment?.confidence == .low, "a traveller's rhythm is one signal; the VPN only supports it")
        #expect(assessment?.disposition == "monitor")
    }

    @Test(arguments: [
        (Account(id: "email", email: "qq.com"), "email_domain_country"),
        (Account(id: "payment", payment: "CN"), "payment_country"),
        (Account(id: "declared", declared: "RU", email: "outlook.com"), "declared_country"),
        (Account(id: "ip", ipCountry: "IR", asn: 58224, asnOrg: "Iran Telecommunication Company PJS"), "ip_in_restricted_region"),
        (Account(id: "rhythm", utcOffset: 8), "time_zone_mismatch"),
        (Account(id: "rhythm-unrestricted", utcOffset: 1), ""),
    ])
    func aSingleSpecificSignalIsOnlyLowConfidence(account: Account, signal: String) {
        let assessment = assess(account)
        if signal.isEmpty {
            #expect(assessment == nil, "a rhythm that fits no restricted region says nothing")
            return
        }
        #expect(assessment?.confidence == .low, "\(account.id)")
        #expect(assessment?.disposition == "monitor")
        #expect(assessment?.signals.map(\.name) == [signal])
    }

    @Test func directAccessPlusIdentityIsMedium() {
        let assessment = assess(
            Account(id: "direct", ipCountry: "CN", asn: 4134, asnOrg: "China Telecom", declared: "CN", utcOffset: 8))
        #expect(assessment?.region == "CN")
        #expect((assessment?.confidence ?? .low) >= .medium)
        #expect(assessment?.disposition == "review")
    }

    @Test func anOperatorBehindAProxyIsHighWithEverySignalExplained() throws {
        let operatorAccount = Account(
            id: "operator", ipCountry: "US", asn: 16509, asnOrg: "Amazon.com, Inc.", declared: "US", payment: "CN", email: "163.com",
            utcOffset: 8, prompt: "请一步一步地思考，并详细展示你的全部推理过程，然后给出最终答案。题目：求解方程")
        let assessment = try #require(assess(operatorAccount))
        #expect(assessment.region == "CN" && assessment.confidence == .high)
        let names = Set(assessment.signals.map(\.name))
        #expect(names == ["payment_country", "email_domain_country", "time_zone_mismatch", "anonymizing_network", "prompt_language"])
        let rhythm = try #require(assessment.signals.first { $0.name == "time_zone_mismatch" })
        #expect(rhythm.detail.contains("(CN), not UTC−6 of the IP addresses' country US"))
        #expect(assessment.signals.first { $0.name == "prompt_language" }?.detail.contains("supporting only") == true)
    }

    @Test func anOfficeAbroadWhoseRhythmFitsItsIPsIsQuiet() {
        let office = Account(
            id: "office", ipCountry: "SG", asn: 64512, asnOrg: "Northwind Traders Corporate Network", declared: "US", payment: "US",
            email: "northwind-traders.com", utcOffset: 8, prompt: "请把这份季度报告总结成三点。")
        #expect(assess(office) == nil)
    }

    @Test func rhythmAndIdentityTogetherAreMedium() {
        let account = Account(id: "two-families", email: "mail.ru", utcOffset: 3)
        let assessment = assess(account)
        #expect(assessment?.region == "RU" && assessment?.confidence == .medium)
        #expect(Set(assessment?.signals.map(\.family) ?? []) == ["identity", "activity"])
    }

    @Test func linksToAssessedAccountsRaiseAWeakAssessment() throws {
        // The crafted campaign: twelve harvesters linked into one cluster. Eight of them come from
        // China directly; the last four show only a Chinese mail domain.
        var engine = DetectionEngine()
        engine.compliance = Self.settings
        for var event in CraftedLog.harvestingCampaign().events.sorted(by: { $0.timestamp < $1.timestamp }) {
            if let number = Int(event.accountID.dropFirst("harvester-".count)), event.accountID.hasPrefix("harvester-") {
                if number < 8 {
                    event.client.country = "CN"
                    event.account.declaredCountry = "CN"
                } else {
                    event.account.emailDomain = "qq.com"
                }
            }
            engine.ingest(event, ExchangeFeatures(event))
        }
        let report = try #require(engine.finish().compliance)
        let byAccount = Dictionary(uniqueKeysWithValues: report.accounts.map { ($0.subject, $0) })
        let weak = try #require(byAccount["harvester-9"])
        #expect(weak.confidence == .medium, "mail domain plus links to accounts assessed as operating from CN")
        #expect(weak.signals.contains { $0.name == "linked_accounts" && $0.detail.hasPrefix("73% of the accounts linked to it") })
        let cluster = try #require(report.clusters.first)
        #expect(cluster.region == "CN" && cluster.confidence == .high)
        #expect(cluster.signals.first?.detail.hasPrefix("12 of 12 linked accounts") == true)
        #expect(byAccount["user-3"] == nil)
    }

    /// A harvesting campaign of `accounts` linked accounts (shared cards and template), 24
    /// requests each over three days at local hours 9–22 of `clock` (too few for an account's own
    /// daily rhythm), from IP addresses in
    /// `ipCountry`; thin traces of China: the first `leaks` accounts send one request from China
    /// Telecom, the next `chineseMail` have a qq.com address, and every account writes one prompt
    /// in eight in Chinese.
    func thinTraceCampaign(accounts: Int = 20, clock: Double, ipCountry: String = "US", leaks: Int = 8, chineseMail: Int = 4) -> [Event] {
        var log = CraftedLog()
        for account in 0..<accounts {
            for i in 0..<24 {
                let utc = (Double(9 + (i * 5 + account) % 14) - clock + 48).truncatingRemainder(dividingBy: 24)
                let chinese = i % 8 == 3
                log.add(
                    account: "op-\(account)", at: Self.start.adding(seconds: Double(i / 8) * 86_400 + utc * 3600 + Double(account * 7)),
                    prompt: chinese
                        ? "请一步一步地思考，并详细展示你的全部推理过程，然后给出最终答案。题目：\(CraftedLog.problems[(i + account) % CraftedLog.problems.count])"
                        : "Think step by step and show all of your reasoning in full detail before giving the final answer.\n\nProblem: \(CraftedLog.problems[(i + account) % CraftedLog.problems.count])",
                    maxTokens: 64000, thinkingBudget: 31999, payment: "pm_card\(account / 4)", ip: "3.80.\(account).\(i)", asn: 16509,
                    tier: "education", verified: false, createdAt: Self.start.adding(seconds: -86_400 - Double(account * 60)),
                    emailDomain: account >= leaks && account < leaks + chineseMail ? "qq.com" : "gmail.com")
            }
        }
        var seen: [String: Int] = [:]
        return log.events.map { event in
            var event = event
            seen[event.accountID, default: 0] += 1
            event.client.country = ipCountry
            // One request from home (China Telecom) during a proxy outage.
            if let number = Int(event.accountID.dropFirst(3)), number < leaks, seen[event.accountID] == 6 {
                event.client.country = "CN"
                event.client.asn = 4134
                event.client.asnOrg = "China Telecom"
            }
            return event
        }
    }

    func report(_ events: [Event]) throws -> (accounts: [String: ComplianceAssessment], clusters: [ComplianceAssessment]) {
        var engine = DetectionEngine()
        engine.compliance = Self.settings
        for event in events.sorted(by: { $0.timestamp < $1.timestamp }) { engine.ingest(event, ExchangeFeatures(event)) }
        let report = try #require(engine.finish().compliance)
        return (Dictionary(uniqueKeysWithValues: report.accounts.map { ($0.subject, $0) }), report.clusters)
    }

    @Test func aClusterOnTheRegionsClockPoolsItsMembersThinTraces() throws {
        let events = thinTraceCampaign(clock: 8)
        let leaked = Set(events.filter { $0.client.country == "CN" }.map(\.accountID))
        #expect(leaked.count == 8 && events.filter { $0.client.country == "CN" }.count == 8, "one request each from China")
        // On their own, no account reaches medium: thin traces, and the links alone are not enough.
        var alone = DetectionEngine()
        alone.compliance = Self.settings
        for event in events.sorted(by: { $0.timestamp < $1.timestamp }) { alone.ingest(event, ExchangeFeatures(event)) }
        let profiles = alone.profiles
        let assessor = ComplianceAssessor(settings: Self.settings)
        #expect(profiles.allSatisfy { (assessor.assess($0)?.confidence ?? .low) < .medium })

        let (accounts, clusters) = try report(events)
        let cluster = try #require(clusters.first { $0.region == "CN" })
        #expect(cluster.confidence == .medium)
        let names = Set(cluster.signals.map(\.name))
        #expect(names.isSuperset(of: ["members_seen_from_region", "members_clock_in_region"]))
        let seen = try #require(cluster.signals.first { $0.name == "members_seen_from_region" })
        #expect(seen.detail.hasPrefix("8 of 20 accounts sent requests from IP addresses in CN"), "\(seen.detail)")
        #expect(seen.detail.contains("would happen by chance with probability"))
        let clock = try #require(cluster.signals.first { $0.name == "members_clock_in_region" })
        #expect(
            clock.detail.hasPrefix(
                "20 of the 20 accounts whose IP addresses are ≥ 3 h from CN's time zone (mostly US, UTC−6) work on CN's clock"),
            "\(clock.detail)")
        #expect(clock.detail.contains("at most 5% of such accounts do, and 20 of 20 would happen by chance with probability"))
        // Every member shows a trace of its own (Chinese prompts) and keeps the clock: all inherit.
        for account in 0..<20 {
            let assessment = try #require(accounts["op-\(account)"])
            #expect(assessment.region == "CN" && assessment.confidence == .medium)
            #expect(assessment.signals.contains { $0.name == "cluster_assessment" && $0.detail.contains(cluster.subject) })
        }
    }

    @Test func lookAlikesWhoKeepTheirOwnClockPoolToNothingMore() throws {
        // The same traces (visits home, home mail, Chinese prompts) from people who live where
        // their IP addresses are: their day is in the IP addresses' time zone.
        let (accounts, clusters) = try report(thinTraceCampaign(clock: -6, leaks: 10, chineseMail: 10))
        #expect(clusters.allSatisfy { $0.confidence < .medium })
        #expect(clusters.allSatisfy { !$0.signals.contains { $0.name == "members_clock_in_region" } })
        #expect(accounts.values.allSatisfy { $0.confidence < .medium })
    }

    @Test func aMemberOnAnotherClockOrWithoutATraceOfItsOwnDoesNotInherit() throws {
        var events = thinTraceCampaign(clock: 8)
        // op-19 works a US day; op-18 never writes in Chinese and has no other trace of China.
        let other = thinTraceCampaign(accounts: 20, clock: -6)
        events.removeAll { $0.accountID == "op-19" }
        events += other.filter { $0.accountID == "op-19" }.map { event in
            var event = event
            event.client.country = "US"
            return event
        }
        events.removeAll { $0.accountID == "op-18" && ScriptLanguage.detect($0.exchange.lastUserText) == "zh" }
        // op-17 and op-2 reach the API from Japan, whose time zone cannot be told from China's:
        // op-17 shows only Chinese prompts of its own, op-2 also sent a request from China.
        events = events.map { event in
            var event = event
            if ["op-17", "op-2"].contains(event.accountID), event.client.country == "US" { event.client.country = "JP" }
            return event
        }
        let (accounts, clusters) = try report(events)
        #expect((accounts["op-17"]?.confidence ?? .low) < .medium, "language alone, where the clock cannot tell")
        #expect(accounts["op-2"]?.confidence == .medium, "a request from China, and nothing against")
        #expect(clusters.contains { $0.region == "CN" && $0.confidence == .medium })
        #expect(accounts["op-10"]?.confidence == .medium)
        #expect((accounts["op-19"]?.confidence ?? .low) < .medium, "its requests keep a US day")
        #expect((accounts["op-18"]?.confidence ?? .low) < .medium, "nothing of its own points to China")
    }

    @Test func binomialTailsAreExactAndReadable() {
        #expect(ComplianceAssessor.binomialTail(0, of: 10, rate: 0.5) == 1)
        #expect(abs(ComplianceAssessor.binomialTail(8, of: 10, rate: 0.5) - 56.0 / 1024) < 1e-12)
        #expect(ComplianceAssessor.binomialTail(11, of: 10, rate: 0.5) == 0)
        #expect(ComplianceAssessor.binomialTail(40, of: 131, rate: 0.05) < 1e-12)
        #expect(ComplianceAssessor.probabilityText(0.0546875) == "0.05")
        #expect(ComplianceAssessor.probabilityText(3.2e-7) == "3.2e-7")
    }

    @Test func onlyConfiguredRegionsAreAssessed() {
        let account = Account(id: "direct", ipCountry: "CN", asn: 4134, asnOrg: "China Telecom", declared: "CN", utcOffset: 8)
        #expect(assess([account], settings: ComplianceSettings(restrictedRegions: ["RU"]))["direct"] == nil)
    }

    @Test func theVerdictsCarryTheAssessments() throws {
        var engine = DetectionEngine()
        engine.compliance = Self.settings
        for event in events(Account(id: "direct", ipCountry: "CN", asn: 4134, asnOrg: "China Telecom", declared: "CN", utcOffset: 8)) {
            engine.ingest(event, ExchangeFeatures(event))
        }
        let json = engine.finish().json
        #expect(json["compliance"]?["restricted_regions"] == ["CN", "IR", "RU"])
        let entry = try #require(json["compliance"]?["accounts"]?.arrayValue?.first)
        #expect(entry["account_id"] == "direct" && entry["disposition"] == "review")
        var plain = DetectionEngine()
        #expect(plain.finish().json["compliance"] == nil, "no section when compliance is off")
    }

    @Test func aGatewayRuleCanActOnTheAssessment() throws {
        let policy = try Policy.parse(
            """
            {"compliance":{"restricted_regions":["CN"]},
             "rules":[{"name":"verify-restricted","when":{"compliance":"medium"},"action":"require_verification","verification_url":"https://example.com/kyc"}]}
            """, file: "p.json")
        var engine = DetectionEngine()
        engine.compliance = policy.compliance
        let accounts = [
            Account(id: "direct", ipCountry: "CN", asn: 4134, asnOrg: "China Telecom", declared: "CN", utcOffset: 8),
            Account(id: "low", email: "qq.com"),
        ]
        for event in accounts.flatMap(events).sorted(by: { $0.timestamp < $1.timestamp }) { engine.ingest(event, ExchangeFeatures(event)) }
        let result = engine.finish()
        let snapshot = EnforcementSnapshot(result, matcher: engine.templateMatcher(for: result.templates), builtAt: 0)
        var buckets = TokenBuckets()
        let direct = policy.decide(
            PolicyRequest(accountID: "direct", api: .anthropicMessages, signature: nil), snapshot: snapshot, buckets: &buckets, now: 0)
        #expect(direct.action == .requireVerification)
        #expect(
            direct.reasons.first?.contains("medium confidence as operating from restricted region CN") == true
                || direct.reasons.first?.contains("high confidence") == true)
        let low = policy.decide(
            PolicyRequest(accountID: "low", api: .anthropicMessages, signature: nil), snapshot: snapshot, buckets: &buckets, now: 0)
        #expect(low.action == .allow, "a low-confidence assessment does not meet a medium rule")
    }

    @Test(arguments: [
        (#"{"compliance":{"restricted_regions":["CN","XX"]}}"#, "compliance.restricted_regions[1]", "unknown country code 'XX'"),
        (#"{"compliance":{"restricted_regions":["cn"]}}"#, "compliance.restricted_regions[0]", "unknown country code 'cn'"),
        (#"{"compliance":{"enabled":true,"restricted_regions":[]}}"#, "compliance.restricted_regions", "no restricted region is listed"),
        (#"{"compliance":{}}"#, "compliance.restricted_regions", "no restricted region is listed"),
        (#"{"rules":[{"name":"r","when":{"compliance":"medium"},"action":"block"}]}"#, "compliance", "list the restricted regions"),
        (
            #"{"compliance":{"restricted_regions":["CN"]},"rules":[{"name":"r","when":{"compliance":"sure"},"action":"block"}]}"#,
            "rules[0].when.compliance", "unknown confidence"
        ),
    ])
    func badComplianceConfigurationFailsClearly(text: String, field: String, message: String) {
        #expect {
            _ = try Policy.parse(text, file: "policy.json")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.field == field && error.message.contains(message)
        }
    }

    @Test func aDisabledSectionMayBeEmpty() throws {
        #expect(try Policy.parse(#"{"compliance":{"enabled":false,"restricted_regions":[]}}"#, file: "p.json").compliance == nil)
    }

    @Test(arguments: [
        ("如何用Python读取一个大文件？", "zh"), ("東京で3日間の旅行プランを立ててください。", "ja"), ("파이썬에서 리스트를 정렬하는 방법을 알려줘", "ko"),
        ("Объясни простыми словами, что такое инфляция.", "ru"), ("چطور می‌توانم در پایتون داده‌های تکراری را حذف کنم؟", "fa"),
        ("Write a haiku about my cat", nil), ("Explain 量子 in one line please, with examples and more words", nil),
    ])
    func tellsAPromptsLanguageByScript(text: String, language: String?) {
        #expect(ScriptLanguage.detect(text) == language)
    }

    @Test func classifiesNetworksAndEmailDomains() {
        #expect(RegionData.networkKind(asn: 16509, organization: nil) == .hosting)
        #expect(RegionData.networkKind(asn: 9009, organization: "M247 Europe SRL") == .vpnProxy)
        #expect(RegionData.networkKind(asn: 21928, organization: "T-Mobile USA, Inc.") == .mobile)
        #expect(RegionData.networkKind(asn: 7922, organization: "Comcast Cable Communications") == .residential)
        #expect(RegionData.emailCountry("qq.com") == "CN")
        #expect(RegionData.emailCountry("uni-heidelberg.de") == "DE")
        #expect(RegionData.emailCountry("startup.io") == nil, ".io is sold worldwide")
        #expect(RegionData.emailCountry("gmail.com") == nil)
    }
}
