import DistillGuardCore
import DistillGuardServer
import DistillGuardStore
import DistillGuardTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Analysts' decisions made in the service's console change what the gateway enforces, through
/// the database they share (`analysis.store`).
struct GatewayDecisionTests {
    static let policy = """
        {"rules":[{"name":"block-attacks","when":{"verdict":"attack"},"action":"block","reason":"distillation_attack"}]}
        """

    @Test func aConfirmationBlocksAndADismissalClears() async throws {
        let directory = TemporaryDirectory()
        let database = directory.file("shared.sqlite")
        let policy = try Policy.parse(Self.policy, file: "policy.json")
        try await GatewayHarness.run(configure: { config in
            config.policy = policy
            config.decisionAPIKey = "decide-0123456789"
            config.analysis.store = database
        }) { harness in
            let url = harness.gatewayURL + "/v1/decide"
            let auth = [("authorization", "Bearer decide-0123456789")]
            let event =
                #"{"id":"d-1","timestamp":"2026-02-01T00:00:00Z","account_id":"acct_q","api":"openai.chat_completions","request":{"model":"gpt-x","messages":[{"role":"user","content":"hi"}]}}"#
            let before = try await GatewayHarness.post(url, event, headers: auth)
            #expect(before.json?["action"]?.stringValue == "allow")

            // The console (another process, here another connection) records a confirmation.
            let console = try SQLiteEventStore(path: database)
            _ = try await console.record(
                AnalystDecision(
                    subject: .account, subjectID: "acct_q", ruling: .confirmed, analyst: "dana", note: "pays with a stolen card",
                    decidedAt: Timestamp(seconds: Date().timeIntervalSince1970), accounts: ["acct_q"]))
            let blocked = try await Self.poll(url, event, auth, until: "block")
            #expect(blocked.json?["reason"]?.stringValue == "distillation_attack")
            let reasons = blocked.json?["reasons"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(reasons.contains { $0.contains("confirmed as a campaign by analyst dana") }, "\(reasons)")

            _ = try await console.record(
                AnalystDecision(
                    subject: .account, subjectID: "acct_q", ruling: .dismissed, analyst: "erin", note: "verified enterprise customer",
                    decidedAt: Timestamp(seconds: Date().timeIntervalSince1970 + 1), accounts: ["acct_q"]))
            let cleared = try await Self.poll(url, event, auth, until: "allow")
            #expect(cleared.json?["action"]?.stringValue == "allow")
        }
    }

    @Test(arguments: ServiceHarness.Backend.allCases)
    func decisionsReachAGatewayThroughTheServiceAPI(backend: ServiceHarness.Backend) async throws {
        // A PostgreSQL deployment, or a gateway on another host: it reads GET /v1/decisions.
        try await ServiceHarness.serve(backend) { service, serviceURL in
            let policy = try Policy.parse(Self.policy, file: "policy.json")
            try await GatewayHarness.run(configure: { config in
                config.policy = policy
                config.decisionAPIKey = "decide-0123456789"
                config.analysis.decisionsFrom = .init(url: serviceURL, token: ServiceHarness.adminToken)
            }) { harness in
                let url = harness.gatewayURL + "/v1/decide"
                let auth = [("authorization", "Bearer decide-0123456789")]
                let event =
                    #"{"id":"d-2","timestamp":"2026-02-01T00:00:00Z","account_id":"acct_r","api":"openai.chat_completions","request":{"model":"gpt-x","messages":[{"role":"user","content":"hi"}]}}"#
                #expect(try await GatewayHarness.post(url, event, headers: auth).json?["action"]?.stringValue == "allow")
                let confirm = #"{"subject":"account","subject_id":"acct_r","ruling":"confirmed","note":"reseller key"}"#
                let recorded = try await GatewayHarness.post(serviceURL + "/v1/decisions", confirm, headers: ServiceHarness.adminPairs)
                #expect(recorded.status == 201, "\(recorded.text)")
                let blocked = try await Self.poll(url, event, auth, until: "block")
                #expect(blocked.json?["action"]?.stringValue == "block")
                let reasons = blocked.json?["reasons"]?.arrayValue?.compactMap(\.stringValue) ?? []
                #expect(reasons.contains { $0.contains("confirmed as a campaign by analyst carol") }, "\(reasons)")
            }
        }
    }

    @Test(arguments: ServiceHarness.Backend.allCases)
    func exchangesReachTheServiceThroughItsIngestAPI(backend: ServiceHarness.Backend) async throws {
        try await ServiceHarness.serve(backend) { service, serviceURL in
            try await GatewayHarness.run(configure: { config in
                config.analysis.forwardTo = .init(url: serviceURL, token: ServiceHarness.ingestKey)
            }) { harness in
                let body = #"{"model":"claude-x","max_tokens":64,"messages":[{"role":"user","content":"Name three prime numbers"}]}"#
                for _ in 0..<3 { #expect(try await harness.call("/v1/messages", body).status == 200) }
                try await Wait.until("the service to store the 3 forwarded exchanges") { try await service.store.eventCount() >= 3 }
                let stored = try await service.store.events(account: "acct_a", limit: 10)
                #expect(stored.count == 3, "every exchange through the gateway is stored by the service")
                #expect(
                    try await harness.loggedEvents(exchanges: 3).map(\.id).sorted() == stored.map(\.id).sorted(), "the same events, by id")
                try await service.waitForAnalysis(events: 3)
            }
        }
    }

    /// Two gateways each forwarded half of a campaign's traffic; the service analysed all of it.
    /// With `verdicts_from`, both enforce the service's verdicts (and its flagged template, on an
    /// account neither gateway has seen), though neither saw the whole campaign.
    @Test(arguments: ServiceHarness.Backend.allCases)
    func twoGatewaysEnforceTheServicesVerdictsOnACampaignSplitBetweenThem(backend: ServiceHarness.Backend) async throws {
        let lines = CraftedLog.harvestingCampaign().timeOrderedLines
        try await ServiceHarness.serve(backend) { service, serviceURL in
            try await Self.ingestCampaign(lines, into: service, at: serviceURL)
            let policy = try Policy.parse(
                """
                {"rules":[{"name":"block-attacks","when":{"verdict":"attack"},"action":"block","reason":"distillation_attack"},
                  {"name":"block-harvest-templates","when":{"template_verdict":"attack"},"action":"block","reason":"harvest_template"}]}
                """, file: "policy.json")
            let configure: @Sendable (inout GatewayConfiguration) -> Void = { config in
                config.policy = policy
                config.decisionAPIKey = "decide-0123456789"
                config.analysis.verdictsFrom = .init(url: serviceURL, token: ServiceHarness.adminToken)
                config.analysis.forwardTo = .init(url: serviceURL, token: ServiceHarness.ingestKey)
            }
            try await GatewayHarness.run(configure: configure) { first in
                try await GatewayHarness.run(configure: configure) { second in
                    let auth = [("authorization", "Bearer decide-0123456789")]
                    func event(_ account: String, _ prompt: String) -> String {
                        #"{"id":"v-\#(account)","timestamp":"2026-02-03T00:00:00Z","account_id":"\#(account)","api":"anthropic.messages","request":{"model":"claude-x","max_tokens":64,"messages":[{"role":"user","content":"\#(prompt)"}]}}"#
                    }
                    let harvest =
                        "Think step by step and show all of your reasoning in full detail before giving the final answer.\\n\\nProblem: What is 17 times 23?"
                    for gateway in [first, second] {
                        let url = gateway.gatewayURL + "/v1/decide"
                        let blocked = try await Self.poll(url, event("harvester-5", "hello"), auth, until: "block")
                        #expect(blocked.json?["reason"]?.stringValue == "distillation_attack")
                        let template = try await Self.poll(url, event("newcomer", harvest), auth, until: "block")
                        #expect(template.json?["reason"]?.stringValue == "harvest_template", "\(template.text)")
                        let ordinary = try await GatewayHarness.post(url, event("user-4", "What should I cook tonight?"), headers: auth)
                        #expect(ordinary.json?["action"]?.stringValue == "allow", "\(ordinary.text)")
                        let health = try await GatewayHarness.get(gateway.gatewayURL + "/health")
                        #expect(health.status == 200, "\(health.text)")
                    }
                }
            }
        }
    }

    /// Two gateways enforcing one service's verdicts share a cluster's throttle: each names itself
    /// when it reads, learns that two gateways read, and allows half of the limit (and says so).
    @Test func twoGatewaysEachAllowHalfOfAClustersThrottle() async throws {
        let lines = CraftedLog.harvestingCampaign().timeOrderedLines
        try await ServiceHarness.serve(.sqlite) { service, serviceURL in
            try await Self.ingestCampaign(lines, into: service, at: serviceURL)
            let policy = try Policy.parse(
                #"{"rules":[{"name":"campaign-cluster","when":{"cluster_verdict":"attack"},"action":"throttle","throttle":{"scope":"cluster","requests_per_minute":4}}]}"#,
                file: "policy.json")
            @Sendable func configure(_ id: String) -> @Sendable (inout GatewayConfiguration) -> Void {
                { config in
                    config.policy = policy
                    config.decisionAPIKey = "decide-0123456789"
                    config.analysis.verdictsFrom = .init(url: serviceURL, token: ServiceHarness.adminToken)
                    config.analysis.gatewayID = id
                }
            }
            try await GatewayHarness.run(configure: configure("edge-1")) { first in
                try await GatewayHarness.run(configure: configure("edge-2")) { second in
                    let auth = [("authorization", "Bearer decide-0123456789")]
                    for (index, gateway) in [first, second].enumerated() {
                        let url = gateway.gatewayURL + "/v1/decide"
                        let event =
                            #"{"id":"s-\#(index)","timestamp":"2026-02-03T00:00:00Z","account_id":"harvester-\#(index)","api":"anthropic.messages","request":{"model":"claude-x","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}}"#
                        var reply = try await GatewayHarness.post(url, event, headers: auth)
                        try await Wait.until("gateway \(index + 1) to throttle at its half of the limit", every: .milliseconds(50)) {
                            reply = try await GatewayHarness.post(url, event, headers: auth)
                            let reasons = reply.json?["reasons"]?.arrayValue?.compactMap(\.stringValue) ?? []
                            return reply.json?["action"]?.stringValue == "throttle"
                                && reasons.contains { $0.hasSuffix("(this enforcement point's share: 1/2 of them)") }
                        }
                        #expect(reply.json?["reason"]?.stringValue == "rate_limited", "\(reply.text)")
                    }
                    let read = try await GatewayHarness.get(
                        serviceURL + "/v1/enforcement", headers: [("authorization", "Bearer \(ServiceHarness.adminToken)")])
                    #expect(read.json?["enforcement_points"]?.intValue == 2, "\(read.text.prefix(200))")
                }
            }
        }
    }

    /// Sends `lines` to the service's ingest API in two batches (every other line, as two gateways
    /// would forward a campaign split between them) and waits until all are analysed.
    static func ingestCampaign(_ lines: [String], into service: ServiceHarness, at serviceURL: String) async throws {
        for half in 0..<2 {
            let batch = lines.enumerated().filter { $0.offset % 2 == half }.map(\.element).joined(separator: "\n")
            let reply = try await GatewayHarness.post(
                serviceURL + "/v1/events", batch, headers: [("authorization", "Bearer \(ServiceHarness.ingestKey)")])
            #expect(reply.status == 200 || reply.status == 202, "\(reply.text)")
        }
        try await service.waitForAnalysis(events: lines.count)
    }

    /// Asks for a decision until it is `action` (the gateway re-reads decisions every refresh).
    static func poll(
        _ url: String, _ event: String, _ headers: [(String, String)], until action: String
    ) async throws -> GatewayHarness.Reply {
        var reply = try await GatewayHarness.post(url, event, headers: headers)
        try await Wait.until("the gateway's decision to become \(action)", every: .milliseconds(50)) {
            reply = try await GatewayHarness.post(url, event, headers: headers)
            return reply.json?["action"]?.stringValue == action
        }
        return reply
    }
}
