import DistillGuardCore
import DistillGuardTesting
import Testing

/// The enforcement policy: its file format, its decisions on a snapshot with known verdicts, and token buckets.
struct PolicyTests {
    static let harvestPrompt =
        "Think step by step and show all of your reasoning in full detail before giving the final answer.\n\nProblem: "

    static let campaign = CraftedLog.harvestingCampaign().snapshot()

    func decide(
        _ account: String, prompt: String = "What is a good name for a cat?", policy: Policy = .default, tier: String? = nil
    )
        -> Decision
    {
        var buckets = TokenBuckets()
        let request = PolicyRequest(
            accountID: account, tier: tier, api: .anthropicMessages, signature: CraftedLog.signature(of: prompt))
        return policy.decide(request, snapshot: Self.campaign, buckets: &buckets, now: 0)
    }

    @Test func blocksAnAttackAccountWithReasonsAnAnalystCanCheck() {
        let decision = decide("harvester-2")
        #expect(decision.action == .block)
        #expect(decision.rule == "block-attack-accounts" && decision.reason == "distillation_attack")
        #expect(decision.reasons.first?.hasPrefix("account harvester-2 is at attack (score") == true)
        #expect(decision.reasons.contains { $0.contains("match template T-") })
    }

    @Test func blocksAFlaggedTemplateFromABrandNewAccount() {
        let decision = decide("fresh-account", prompt: Self.harvestPrompt + "Find all real x with x^2 - 5x + 6 = 0.")
        #expect(decision.action == .block)
        #expect(decision.reason == "distillation_template")
        #expect(decision.reasons.first?.contains("flagged attack") == true)
    }

    @Test func allowsOrdinaryCustomersAndOrdinaryPrompts() {
        #expect(decide("user-4").action == .allow)
        #expect(decide("fresh-account").action == .allow)
        #expect(decide("fresh-account", prompt: "Explain step by step how a bicycle gear works").action == .allow)
    }

    @Test func throttlesPerAccountAndRefills() throws {
        let policy = try Policy.parse(
            #"{"rules":[{"name":"free-tier","when":{"tiers":["free"]},"action":"throttle","throttle":{"scope":"account","requests_per_minute":3}}]}"#,
            file: "p.json")
        var buckets = TokenBuckets()
        let request = PolicyRequest(accountID: "a", tier: "free", api: .openAIChatCompletions, signature: nil)
        let actions = (0..<5).map { _ in policy.decide(request, snapshot: EnforcementSnapshot(), buckets: &buckets, now: 100).action }
        #expect(actions == [.allow, .allow, .allow, .throttle, .throttle])
        let throttled = policy.decide(request, snapshot: EnforcementSnapshot(), buckets: &buckets, now: 100)
        #expect(throttled.reason == "rate_limited" && (throttled.retryAfterSeconds ?? 0) > 0)
        #expect(
            policy.decide(request, snapshot: EnforcementSnapshot(), buckets: &buckets, now: 121).action == .allow,
            "a third of a minute refills one request")
        let other = PolicyRequest(accountID: "b", tier: "standard", api: .openAIChatCompletions, signature: nil)
        #expect(policy.decide(other, snapshot: EnforcementSnapshot(), buckets: &buckets, now: 100).action == .allow)
    }

    @Test func tokenLimitsHoldRequestsBackOnceUsageIsCharged() throws {
        let policy = try Policy.parse(
            #"{"rules":[{"name":"t","action":"throttle","throttle":{"scope":"account","tokens_per_minute":1000}}]}"#, file: "p.json")
        var buckets = TokenBuckets()
        let request = PolicyRequest(accountID: "a", api: .anthropicMessages, signature: nil)
        let first = policy.decide(request, snapshot: EnforcementSnapshot(), buckets: &buckets, now: 0)
        #expect(first.action == .allow && first.tokenCharges.count == 1)
        for charge in first.tokenCharges { buckets.charge(charge.key, perMinute: charge.perMinute, cost: 1500, now: 0) }
        let second = policy.decide(request, snapshot: EnforcementSnapshot(), buckets: &buckets, now: 1)
        #expect(second.action == .throttle)
        #expect(abs((second.retryAfterSeconds ?? 0) - 29.4) < 0.5, "500 tokens in debt plus 1 at 1000/min refill in about 30 s")
    }

    @Test func throttlesAClusterAsOneSubject() throws {
        let policy = try Policy.parse(
            #"{"rules":[{"name":"c","when":{"cluster_verdict":"attack"},"action":"throttle","throttle":{"scope":"cluster","requests_per_minute":2}}]}"#,
            file: "p.json")
        var buckets = TokenBuckets()
        var actions: [Policy.Action] = []
        for account in ["harvester-0", "harvester-5", "harvester-9"] {
            let request = PolicyRequest(accountID: account, api: .anthropicMessages, signature: nil)
            actions.append(policy.decide(request, snapshot: Self.campaign, buckets: &buckets, now: 0).action)
        }
        #expect(actions == [.allow, .allow, .throttle], "three members share the cluster's two requests a minute")
    }

    /// Three gateways share a cluster limit of 6 a minute: each allows 2 (and says why), and the
    /// token charges it records are a third of the rule's as well.
    @Test func eachEnforcementPointAllowsItsShareOfTheLimits() throws {
        let policy = try Policy.parse(
            #"{"rules":[{"name":"c","when":{"cluster_verdict":"attack"},"action":"throttle","throttle":{"scope":"cluster","requests_per_minute":6,"tokens_per_minute":9000}}]}"#,
            file: "p.json")
        var snapshot = Self.campaign
        snapshot.enforcementPoints = 3
        var buckets = TokenBuckets()
        var decisions: [Decision] = []
        for account in ["harvester-0", "harvester-5", "harvester-9"] {
            let request = PolicyRequest(accountID: account, api: .anthropicMessages, signature: nil)
            decisions.append(policy.decide(request, snapshot: snapshot, buckets: &buckets, now: 0))
        }
        #expect(decisions.map(\.action) == [.allow, .allow, .throttle], "a third of six requests a minute")
        #expect(decisions[0].tokenCharges.map(\.perMinute) == [3000])
        #expect(decisions[2].reasons.last?.hasSuffix("(this enforcement point's share: 1/3 of them)") == true)
        #expect(abs((decisions[2].retryAfterSeconds ?? 0) - 30) < 0.01, "two a minute refill one in 30 s")
    }

    @Test func degradesAndRequiresVerificationAsConfigured() throws {
        let policy = try Policy.parse(
            """
            {"rules":[
              {"name":"verify-unverified","when":{"accounts":["user-1"]},"action":"require_verification","verification_url":"https://example.com/verify"},
              {"name":"degrade-signals","when":{"signals":{"maximal_budget_rate":0.9}},"action":"degrade","degrade":{"strip_reasoning":true,"max_output_tokens":512}}
            ]}
            """, file: "p.json")
        let verify = decide("user-1", policy: policy)
        #expect(verify.action == .requireVerification && verify.verificationURL == "https://example.com/verify")
        let degrade = decide("harvester-1", policy: policy)
        #expect(degrade.action == .degrade && degrade.degrade == Policy.Degradation(stripReasoning: true, maximumOutputTokens: 512))
        #expect(decide("user-2", policy: policy).action == .allow)
    }

    @Test(arguments: [
        (#"{"rules":[{"name":"x","action":"ban"}]}"#, "rules[0].action", "unknown action 'ban'"),
        (
            #"{"rules":[{"name":"x","action":"block","when":{"signals":{"cot_rate":0.5}}}]}"#, "rules[0].when.signals.cot_rate",
            "unknown signal"
        ),
        (#"{"rules":[{"name":"x","action":"throttle"}]}"#, "rules[0].throttle", "required field is missing"),
        (#"{"rules":[{"name":"x","action":"throttle","throttle":{"scope":"account"}}]}"#, "rules[0].throttle", "requests_per_minute"),
        (#"{"rules":[{"name":"x","action":"block","when":{"verdict":"bad"}}]}"#, "rules[0].when.verdict", "unknown verdict"),
        (#"{"rules":[{"name":"x","action":"block","when":{"verdcit":"attack"}}]}"#, "rules[0].when.verdcit", "unknown setting"),
        (#"{"rules":[{"name":"x","action":"block"},{"name":"x","action":"allow"}]}"#, "rules[1].name", "used twice"),
        (#"{"rules":[{"name":"x","action":"block","when":{"apis":["openai.completions"]}}]}"#, "rules[0].when.apis", "unknown API"),
        (#"{"rules": [}"#, "", "invalid JSON at byte"),
    ])
    func rejectsABadPolicyNamingTheField(text: String, field: String, message: String) {
        #expect {
            _ = try Policy.parse(text, file: "policy.json")
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.file == "policy.json" && error.field == field && error.message.contains(message)
        }
    }

    @Test func errorBodiesFollowEachAPIsShape() throws {
        let decision = decide("harvester-2")
        let error = try #require(ProviderError(decision))
        #expect(error.status == 403)
        let anthropic = try JSONParser.parse(error.body(for: .anthropic))
        #expect(anthropic["type"]?.stringValue == "error")
        #expect(anthropic["error"]?["type"]?.stringValue == "permission_error")
        #expect(anthropic["error"]?["code"]?.stringValue == "distillation_attack")
        let openai = try JSONParser.parse(error.body(for: .openai))
        #expect(openai["error"]?["code"]?.stringValue == "distillation_attack")
        #expect(openai["error"]?["message"]?.stringValue?.hasPrefix("Request refused by usage policy") == true)
        #expect(ProviderError(decide("user-3")) == nil)
    }
}

struct PolicyWatermarkTests {
    static let environment = ["WM_KEY": "policy-test-watermark-key-0001"]

    static func error(_ text: String, environment: [String: String] = environment) -> String {
        do {
            _ = try Policy.parse(text, file: "p.json", environment: environment)
            return ""
        } catch {
            return error.description
        }
    }

    @Test func watermarkRulesAndTheDefaultSetTheDecision() throws {
        let policy = try Policy.parse(
            #"{"watermark": {"key_env": "WM_KEY"}, "default": "watermark", "rules": [{"name": "degrade-x", "when": {"accounts": ["x"]}, "action": "degrade", "degrade": {"watermark": true}}, {"name": "allow-y", "when": {"accounts": ["y"]}, "action": "allow"}]}"#,
            file: "p.json", environment: Self.environment)
        var buckets = TokenBuckets()
        func decide(_ account: String) -> Decision {
            policy.decide(
                PolicyRequest(accountID: account, api: .anthropicMessages, signature: nil), snapshot: EnforcementSnapshot(),
                buckets: &buckets,
                now: 0)
        }
        #expect(decide("x").action == .degrade && decide("x").watermark)
        #expect(decide("y").action == .allow && !decide("y").watermark)
        #expect(decide("z").action == .watermark && decide("z").watermark)
        #expect(
            policy.watermark?.draw(group: "en:often", context: "^")
                == (try Watermark(key: Array("policy-test-watermark-key-0001".utf8))).draw(group: "en:often", context: "^"))
    }

    @Test func watermarkConfigurationErrorsNameTheField() {
        #expect(
            Self.error(#"{"rules": [{"name": "m", "action": "watermark"}]}"#)
                == "p.json: field `rules[0]`: rule 'm' watermarks: configure the key in `watermark`")
        #expect(Self.error(#"{"default": "watermark"}"#).contains("field `watermark`: the default action is watermark"))
        #expect(
            Self.error(#"{"watermark": {"key_env": "MISSING"}}"#)
                == "p.json: field `watermark.key_env`: environment variable MISSING is not set")
        #expect(Self.error(#"{"watermark": {}}"#).contains("set exactly one of key_env and key_file"))
        #expect(Self.error(#"{"watermark": {"key_env": "WM_KEY"}}"#, environment: ["WM_KEY": "short"]).contains("at least 16"))
        #expect(Self.error(#"{"watermark": {"key_env": "WM_KEY", "colour": 1}}"#).contains("colour"))
        #expect(
            Self.error(#"{"watermark": {"key_env": "WM_KEY", "active_share": 0}}"#)
                == "p.json: field `watermark.active_share`: must be above 0 and at most 1; got 0.0")
    }

    @Test func theActiveShareIsRead() throws {
        let policy = try Policy.parse(
            #"{"watermark": {"key_env": "WM_KEY", "active_share": 1}, "default": "watermark"}"#, file: "p.json",
            environment: Self.environment)
        #expect(policy.watermark?.activeShare == 1)
        let standard = try Policy.parse(
            #"{"watermark": {"key_env": "WM_KEY"}, "default": "watermark"}"#, file: "p.json", environment: Self.environment)
        #expect(standard.watermark?.activeShare == Watermark.defaultActiveShare)
    }
}
