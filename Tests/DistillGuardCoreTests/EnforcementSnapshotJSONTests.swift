import DistillGuardTesting
import Testing

@testable import DistillGuardCore

/// The snapshot as the service publishes it to gateways (`GET /v1/enforcement`): what a gateway
/// decides from the JSON is what it would decide from the service's own snapshot.
struct EnforcementSnapshotJSONTests {
    static let template = PolicyTests.harvestPrompt
    static let policy = try! Policy.parse(
        """
        {"rules":[
          {"name":"block-attacks","when":{"verdict":"attack"},"action":"block"},
          {"name":"block-harvest-templates","when":{"template_verdict":"attack"},"action":"block"},
          {"name":"watch-budgets","when":{"signals":{"maximal_budget_rate":0.4}},"action":"degrade"},
          {"name":"watch-scores","when":{"min_score":0.2},"action":"degrade"}
        ]}
        """, file: "policy.json")

    /// The campaign's snapshot with one benign ordinary user given a signal and a score that the
    /// policy's third and fourth rules act on, and a compliance assessment on another.
    static var snapshot: EnforcementSnapshot {
        var snapshot = CraftedLog.harvestingCampaign().snapshot()
        snapshot.accounts["user-1"] = .init(
            verdict: .benign, score: 0.05, clusterID: nil, signals: ["maximal_budget_rate": 0.5, "volume": 0.2], evidence: [])
        snapshot.accounts["user-2"] = .init(verdict: .benign, score: 0.25, clusterID: nil, signals: [:], evidence: [])
        snapshot.accounts["user-3"] = .init(
            verdict: .benign, score: 0.01, clusterID: nil, signals: [:], evidence: [],
            compliance: ComplianceAssessment(
                subject: "user-3", region: "XX", confidence: .medium, score: 0.7,
                signals: [ComplianceSignal(family: "network", name: "ip_country", weight: 1, detail: "most requests come from XX")]))
        snapshot.accounts["user-4"] = .init(verdict: .benign, score: 0.01, clusterID: nil, signals: ["volume": 0.3], evidence: [])
        return snapshot
    }

    func decide(_ account: String, prompt: String, _ snapshot: EnforcementSnapshot) -> Decision {
        var buckets = TokenBuckets()
        let request = PolicyRequest(accountID: account, api: .anthropicMessages, signature: CraftedLog.signature(of: prompt))
        return Self.policy.decide(request, snapshot: snapshot, buckets: &buckets, now: 0)
    }

    @Test func aGatewayDecidesFromTheJSONAsFromTheServicesSnapshot() throws {
        let original = Self.snapshot
        let json = JSONWriter.string(original.json(selecting: Self.policy.enforcementSelection))
        let read = try EnforcementSnapshot(json: JSONParser.parse(json))
        let harvest = Self.template + "What is 17 times 23?"
        let cases: [(String, String)] = [
            ("harvester-0", "hello"), ("harvester-7", harvest), ("newcomer", harvest), ("user-1", "hello"), ("user-2", "hello"),
            ("user-3", "hello"), ("user-4", "hello"), ("user-5", "What is a good name for a cat?"),
        ]
        for (account, prompt) in cases {
            let expected = decide(account, prompt: prompt, original)
            let actual = decide(account, prompt: prompt, read)
            #expect(actual.action == expected.action, "\(account)")
            #expect(actual.rule == expected.rule, "\(account)")
            #expect(actual.reasons == expected.reasons, "\(account)")
        }
        #expect(decide("harvester-0", prompt: "hello", read).action == .block, "the campaign's accounts are at attack")
        #expect(decide("newcomer", prompt: harvest, read).rule == "block-harvest-templates", "its template is recognised from any account")
        #expect(decide("user-1", prompt: "hello", read).rule == "watch-budgets")
        #expect(read.accounts["user-3"]?.compliance?.confidence == .medium)
        #expect(read.clusters.count == original.clusters.count && read.builtAt == original.builtAt)
        #expect(read.enforcementPoints == 1)
        var shared = original
        shared.enforcementPoints = 4
        let sharedRead = try EnforcementSnapshot(json: JSONParser.parse(JSONWriter.string(shared.json(selecting: .init()))))
        #expect(sharedRead.enforcementPoints == 4, "the number of enforcement points sharing throttle limits travels")
    }

    @Test func onlyAccountsThePolicyCanActOnAreSent() throws {
        let selection = Self.policy.enforcementSelection
        #expect(selection == EnforcementSnapshot.Selection(minimumScore: 0.2, signals: ["maximal_budget_rate": 0.4]))
        let read = try EnforcementSnapshot(json: Self.snapshot.json(selecting: selection))
        #expect(read.accounts["user-1"] != nil && read.accounts["user-2"] != nil && read.accounts["user-3"] != nil)
        #expect(read.accounts["user-4"] == nil, "benign, no compliance, below every minimum: decided as an absent account")
        #expect(read.accounts["user-1"]?.signals == ["maximal_budget_rate": 0.5, "volume": 0.2])

        let none = try EnforcementSnapshot(json: Self.snapshot.json(selecting: .init()))
        #expect(none.accounts["user-1"] == nil && none.accounts["user-2"] == nil && none.accounts["user-3"] != nil)
        #expect(none.accounts.keys.filter { $0.hasPrefix("harvester-") }.count == 12)
    }

    @Test func theSelectionTravelsAsQueryParametersAndBadOnesAreNamed() throws {
        let selection = EnforcementSnapshot.Selection(minimumScore: 0.2, signals: ["maximal_budget_rate": 0.4, "volume": 0.1])
        let items = selection.queryItems
        #expect(items.map(\.name) == ["min_score", "signal", "signal"])
        let read = try EnforcementSnapshot.Selection(
            minimumScore: items.first { $0.name == "min_score" }?.value, signals: items.filter { $0.name == "signal" }.map(\.value))
        #expect(read == selection)

        #expect(throws: EnforcementSnapshot.Selection.InvalidSelection.self) {
            try EnforcementSnapshot.Selection(minimumScore: "high", signals: [])
        }
        do throws(EnforcementSnapshot.Selection.InvalidSelection) {
            _ = try EnforcementSnapshot.Selection(minimumScore: nil, signals: ["made_up_signal:0.5"])
            Issue.record("an unknown signal must be refused")
        } catch {
            #expect(error.description.contains("made_up_signal") && error.description.contains("maximal_budget_rate"))
        }
        #expect(throws: EnforcementSnapshot.Selection.InvalidSelection.self) {
            try EnforcementSnapshot.Selection(minimumScore: nil, signals: ["volume"])
        }
    }

    @Test func aMalformedSnapshotIsRefusedWithThePlaceAtFault() throws {
        let bad = #"{"accounts":{"a":{"verdict":"guilty","score":1}},"clusters":{},"templates":[]}"#
        do {
            _ = try EnforcementSnapshot(json: JSONParser.parse(bad))
            Issue.record("an unknown verdict must be refused")
        } catch let error as EventRejection {
            #expect(error.field == "accounts.a.verdict" && error.message.contains("guilty"))
        }
        let badKey = #"{"accounts":{},"clusters":{},"templates":[{"id":1,"label":"T-1","verdict":"attack","score":1,"keys":["xyz"]}]}"#
        #expect(throws: EventRejection.self) { _ = try EnforcementSnapshot(json: JSONParser.parse(badKey)) }
        let noPoints = #"{"enforcement_points":0,"accounts":{},"clusters":{},"templates":[]}"#
        do {
            _ = try EnforcementSnapshot(json: JSONParser.parse(noPoints))
            Issue.record("zero enforcement points must be refused")
        } catch let error as EventRejection {
            #expect(error.field == "enforcement_points" && error.message.contains("at least 1"))
        }
    }
}
