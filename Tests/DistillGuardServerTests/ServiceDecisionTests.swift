import DistillGuardCore
import DistillGuardServer
import DistillGuardStore
import DistillGuardTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /v1/decide` on `serve`: the policy's decision over the verdicts and flagged templates
/// analysis publishes, analysts' decisions applied at once, a checkpoint's verdicts enforced from
/// the start, events recorded on request. Against SQLite and a real PostgreSQL server.
struct ServiceDecisionTests {
    typealias Backend = ServiceHarness.Backend
    let campaign = CraftedLog.harvestingCampaign()

    /// A prompt of the campaign's template, as harvester-0 sent it.
    var harvestPrompt: String {
        campaign.events.first { $0.accountID == "harvester-0" }!.exchange.lastUserText
    }

    static func decide(
        _ client: some TestClientProtocol, _ harness: ServiceHarness, _ event: String, query: String = "",
        headers: HTTPFields? = nil
    ) async throws -> (status: HTTPResponse.Status, json: JSONValue) {
        try await client.execute(
            uri: "/v1/decide" + query, method: .post, headers: headers ?? harness.decide, body: ByteBuffer(string: event)
        ) {
            response in (response.status, (try? ServiceHarness.json(response.body)) ?? .null)
        }
    }

    @Test(arguments: Backend.allCases)
    func decidesByThePublishedVerdictsWithAnalystsDecisionsApplied(backend: Backend) async throws {
        try await ServiceHarness.run(backend) { harness, client in
            let lines = campaign.timeOrderedLines
            try await client.execute(uri: "/v1/events", method: .post, headers: harness.ingest, body: ServiceHarness.batch(lines)) {
                #expect($0.status == .ok)
            }
            try await harness.waitForAnalysis(events: lines.count)
            try await Wait.until("the verdicts to reach the decision API") {
                harness.follower.snapshot.accounts["harvester-0"]?.verdict == .attack
            }

            // An account at attack: refused, with the status and the error body its API would give.
            let flagged = try await Self.decide(client, harness, EventFixtures.minimal(id: "d1", account: "harvester-0", prompt: "hi"))
            #expect(flagged.status == .ok)
            #expect(flagged.json["action"] == "block" && flagged.json["reason"] == "distillation_attack", "\(flagged.json)")
            #expect(flagged.json["status"] == 403 && flagged.json["error_body"]?["type"] == "error", "\(flagged.json)")
            #expect(flagged.json["recorded"] == false)
            // A new account sending the campaign's template: refused on the template alone.
            let newcomer = try await Self.decide(
                client, harness, EventFixtures.minimal(id: "d2", account: "newcomer", prompt: harvestPrompt))
            #expect(newcomer.json["action"] == "block" && newcomer.json["reason"] == "distillation_template", "\(newcomer.json)")
            // An ordinary customer, with an ordinary prompt: allowed.
            let customer = try await Self.decide(
                client, harness, EventFixtures.minimal(id: "d3", account: "user-0", prompt: "What should I cook tonight?"))
            #expect(customer.json["action"] == "allow" && customer.json["reason"] == "allowed", "\(customer.json)")

            // An analyst dismisses harvester-3: allowed from the next decision on, without waiting for analysis.
            let dismiss = #"{"subject":"account","subject_id":"harvester-3","ruling":"dismissed","note":"a class account"}"#
            try await client.execute(uri: "/v1/decisions", method: .post, headers: harness.admin, body: ByteBuffer(string: dismiss)) {
                #expect($0.status == .created)
            }
            let dismissed = try await Self.decide(client, harness, EventFixtures.minimal(id: "d4", account: "harvester-3", prompt: "hi"))
            #expect(dismissed.json["action"] == "allow", "\(dismissed.json)")
            // … and one confirms an account analysis never flagged: refused at once.
            let confirm = #"{"subject":"account","subject_id":"user-1","ruling":"confirmed"}"#
            try await client.execute(uri: "/v1/decisions", method: .post, headers: harness.admin, body: ByteBuffer(string: confirm)) {
                #expect($0.status == .created)
            }
            let confirmed = try await Self.decide(client, harness, EventFixtures.minimal(id: "d5", account: "user-1", prompt: "hi"))
            #expect(confirmed.json["action"] == "block", "\(confirmed.json)")
            let reasons = confirmed.json["reasons"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(reasons.contains { $0.contains("confirmed as a campaign by analyst carol") }, "\(reasons)")

            let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(metrics.contains(#"dg_decisions_total{action="block",reason="distillation_attack"} 2"#), "\(metrics)")
            #expect(metrics.contains(#"dg_decisions_total{action="allow",reason="allowed"} 2"#), "\(metrics)")
        }
    }

    /// Two gateways reading the verdicts and this replica answering decisions each count a
    /// cluster's throttle in buckets of their own: each allows a third of the limit, and says so.
    @Test(arguments: Backend.allCases)
    func throttleLimitsAreSharedAmongTheGatewaysAndReplicasThatEnforceThem(backend: Backend) async throws {
        let policy = try Policy.parse(
            #"{"rules":[{"name":"campaign-cluster","when":{"cluster_verdict":"attack"},"action":"throttle","throttle":{"scope":"cluster","requests_per_minute":6}}]}"#,
            file: "policy.json")
        try await ServiceHarness.run(backend, policy: policy) { harness, client in
            let lines = campaign.timeOrderedLines
            try await client.execute(uri: "/v1/events", method: .post, headers: harness.ingest, body: ServiceHarness.batch(lines)) {
                #expect($0.status == .ok)
            }
            try await harness.waitForAnalysis(events: lines.count)
            try await Wait.until("the campaign's cluster to reach the decision API") {
                harness.follower.snapshot.accounts["harvester-0"]?.clusterID != nil
            }
            func read(_ query: String) async throws -> (status: HTTPResponse.Status, json: JSONValue) {
                try await client.execute(uri: "/v1/enforcement" + query, method: .get, headers: harness.admin) {
                    ($0.status, (try? ServiceHarness.json($0.body)) ?? .null)
                }
            }
            func points(_ gateway: String) async throws -> Int? {
                try await read("?gateway_id=\(gateway)&refresh_seconds=60").json["enforcement_points"]?.intValue
            }
            #expect(try await points("gw-a") == 1)
            #expect(try await points("gw-b") == 2)
            #expect(try await read("").json["enforcement_points"]?.intValue == 2, "a reader that names no gateway is not counted")
            // The replica counts itself once it answers decisions, off the request path. The count
            // may change while that decision is answered, so it is asked for an account outside
            // the cluster: the cluster's bucket is first filled at the share of three points.
            let outside = try await Self.decide(client, harness, EventFixtures.minimal(id: "t0", account: "bystander", prompt: "hi"))
            #expect(outside.json["action"] == "allow", "\(outside.json)")
            try await Wait.until("the replica answering decisions to be counted") { try await points("gw-a") == 3 }

            var actions: [String] = []
            var last = JSONValue.null
            for account in 1...3 {
                last = try await Self.decide(client, harness, EventFixtures.minimal(id: "t\(account)", account: "harvester-\(account)"))
                    .json
                actions.append(last["action"]?.stringValue ?? "?")
            }
            #expect(actions == ["allow", "allow", "throttle"], "a third of six requests a minute: \(last)")
            let reasons = last["reasons"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(reasons.contains { $0.hasSuffix("(this enforcement point's share: 1/3 of them)") }, "\(reasons)")

            for (query, message) in [
                ("?gateway_id=has%20space", "gateway_id must be 1 to 200 bytes"),
                ("?gateway_id=" + String(repeating: "g", count: 201), "gateway_id must be 1 to 200 bytes"),
                ("?gateway_id=gw-a&refresh_seconds=0", "refresh_seconds must be a number from 1 to 3600 (got '0')"),
                ("?refresh_seconds=soon", "refresh_seconds must be a number from 1 to 3600 (got 'soon')"),
            ] {
                let refused = try await read(query)
                #expect(refused.status == .badRequest && refused.json["error"]?["code"] == "invalid_gateway", "\(query)")
                #expect(refused.json["error"]?["message"]?.stringValue?.contains(message) == true, "\(refused.json)")
            }
        }
    }

    @Test(arguments: Backend.allCases)
    func recordsTheEventWhenAskedAndOnlyOnce(backend: Backend) async throws {
        try await ServiceHarness.run(backend) { harness, client in
            // Pretty-printed, over several lines: stored as one line of the event log.
            let event = EventFixtures.minimal(id: "r1", account: "acct_r", prompt: "Summarise this memo for me")
            let pretty = event.replacingOccurrences(of: #","account_id""#, with: ",\n  \"account_id\"")
            let first = try await Self.decide(client, harness, pretty, query: "?record=true")
            #expect(first.status == .ok && first.json["action"] == "allow" && first.json["recorded"] == true, "\(first.json)")
            let again = try await Self.decide(client, harness, pretty, query: "?record=true")
            #expect(again.json["recorded"] == false, "an id stored before is not stored twice")
            let unrecorded = try await Self.decide(
                client, harness, EventFixtures.minimal(id: "r2", account: "acct_r"), query: "?record=false")
            #expect(unrecorded.json["recorded"] == false)
            try await harness.waitForAnalysis(events: 1)
            #expect(try await harness.store.eventCount() == 1)
            let stored = try #require(try await harness.store.recentEvents(account: "acct_r", limit: 5).first)
            #expect(stored.id == "r1" && !stored.line.contains("\n"))
            #expect(try EventDecoder.decode(line: stored.line).exchange.lastUserText == "Summarise this memo for me")
            let row = try #require(try await harness.store.events(after: 0, limit: 5).first?.event.features, "a feature row for analysis")
            #expect(try row.withUnsafeBytes { try FeatureRow.decode($0) }.event.exchange.lastUserText == "Summarise this memo for me")
        }
    }

    @Test func refusesCallersWithoutTheDecisionKeyAndEventsOutsideTheContract() async throws {
        try await ServiceHarness.run(.sqlite) { harness, client in
            let event = EventFixtures.minimal(id: "k1")
            for headers: HTTPFields in [[:], harness.ingest, harness.admin, [.authorization: "Bearer decision-key-for-tests-002"]] {
                let refused = try await Self.decide(client, harness, event, headers: headers)
                #expect(refused.status == .unauthorized && refused.json["error"]?["code"] == "unauthorized")
            }
            let bad = try await Self.decide(
                client, harness,
                #"{"id":"x","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"openai.chat_completions","request":{"messages":"hi"}}"#
            )
            #expect(bad.status == .badRequest && bad.json["error"]?["field"] == "request.messages", "\(bad.json)")
            let notJSON = try await Self.decide(client, harness, "{not json")
            #expect(notJSON.status == .badRequest && notJSON.json["error"]?["code"] == "invalid_event")
            let record = try await Self.decide(client, harness, event, query: "?record=yes")
            #expect(record.status == .badRequest && record.json["error"]?["field"] == "record")
            #expect(try await harness.store.eventCount() == 0)
        }
        try await ServiceHarness.run(.sqlite, decisionKeys: []) { harness, client in
            let off = try await Self.decide(client, harness, EventFixtures.minimal(id: "k2"))
            #expect(off.status == .notFound && off.json["error"]?["code"] == "decision_api_disabled")
            #expect(off.json["error"]?["message"]?.stringValue?.contains("--decision-key-file") == true)
        }
    }

    /// After a restart the checkpoint's verdicts are enforced before analysis runs again.
    @Test func enforcesTheCheckpointsVerdictsFromTheStart() async throws {
        try await ServiceHarness.withStore(.sqlite) { store in
            let lines = campaign.timeOrderedLines
            try await ServiceHarness.run(store: store) { harness, client in
                try await client.execute(uri: "/v1/events", method: .post, headers: harness.ingest, body: ServiceHarness.batch(lines)) {
                    #expect($0.status == .ok)
                }
                try await harness.waitForAnalysis(events: lines.count)
                try await Wait.until("a checkpoint of every event") {
                    try await store.checkpoint()?.sequence ?? 0 >= Int64(lines.count)
                }
            }
            try await ServiceHarness.run(store: store, runAnalysis: false) { harness, client in
                let flagged = try await Self.decide(client, harness, EventFixtures.minimal(id: "c1", account: "harvester-5", prompt: "hi"))
                #expect(flagged.json["action"] == "block", "\(flagged.json)")
                let newcomer = try await Self.decide(
                    client, harness, EventFixtures.minimal(id: "c2", account: "newcomer", prompt: harvestPrompt))
                #expect(newcomer.json["reason"] == "distillation_template", "\(newcomer.json)")
            }
        }
    }
}
