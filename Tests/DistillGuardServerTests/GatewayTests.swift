import DistillGuardCore
import DistillGuardServer
import DistillGuardStore
import DistillGuardTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1
import Testing

/// The gateway over real sockets, in front of the mock upstream. Serialized: each test runs two
/// servers and an analysis thread, and together they would crowd out the rest of the suite on a
/// two-core machine.
@Suite(.serialized)
struct GatewayTests {
    /// A request of each API, streaming and not.
    static let requests: [(path: String, body: String)] = [
        ("/v1/messages", #"{"model":"claude-x","max_tokens":256,"messages":[{"role":"user","content":"Name three prime numbers"}]}"#),
        (
            "/v1/messages",
            #"{"model":"claude-x","max_tokens":4096,"stream":true,"thinking":{"type":"enabled","budget_tokens":2048},"messages":[{"role":"user","content":"Name three prime numbers"}]}"#
        ),
        (
            "/v1/chat/completions",
            #"{"model":"gpt-x","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Say hi"}]}"#
        ),
        (
            "/v1/chat/completions",
            #"{"model":"gpt-x","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Say hi"}]}"#
        ),
        ("/v1/responses", #"{"model":"gpt-x","input":"Write one line about the sea"}"#),
        ("/v1/responses", #"{"model":"gpt-x","stream":true,"input":[{"role":"user","content":"Write one line about the sea"}]}"#),
    ]

    @Test(arguments: 0..<6)
    func passesAllowedTrafficThroughByteForByte(index: Int) async throws {
        let (path, body) = Self.requests[index]
        try await GatewayHarness.run { harness in
            let direct = try await harness.direct(path, body)
            let proxied = try await harness.call(path, body)
            #expect(direct.status == 200)
            #expect(proxied.status == direct.status)
            #expect(proxied.text == direct.text)
            #expect(proxied.headers.first(name: "content-type") == direct.headers.first(name: "content-type"))
            #expect(proxied.headers.first(name: "request-id") == "req_mock")
            #expect(proxied.headers.first(name: "x-distillguard-action") == nil, "allowed traffic carries no trace of the gateway")
            let upstream = try await harness.lastUpstreamRequest()
            if path.hasPrefix("/v1/messages") {
                #expect(upstream.headers["x-api-key"]?.stringValue == GatewayHarness.upstreamKey)
                #expect(upstream.headers["anthropic-version"]?.stringValue == "2023-06-01")
            } else {
                #expect(upstream.headers["authorization"]?.stringValue == "Bearer " + GatewayHarness.upstreamKey)
            }
            #expect(!upstream.headers.description.contains("sk-client-a"), "the client's key is not forwarded")
        }
    }

    @Test func recordsEveryExchangeAsAContractEventWithStreamsReassembled() async throws {
        try await GatewayHarness.run { harness in
            for (path, body) in Self.requests { _ = try await harness.call(path, body, account: "acct_b") }
            let events = try await harness.loggedEvents(exchanges: Self.requests.count)
            #expect(events.count == Self.requests.count)
            for event in events {
                #expect(event.accountID == "acct_b" && event.apiKeyID == "key_acct_b")
                #expect(event.client.ip == "127.0.0.1" && event.status == 200 && (event.latencyMs ?? -1) >= 0)
                #expect(event.exchange.outputText.hasPrefix("Answer to: "), "\(event.api): \(event.exchange.outputText)")
                #expect((event.usage.outputTokens ?? 0) > 0 && (event.usage.inputTokens ?? 0) > 0, "\(event.api)")
            }
            let streamedAnthropic = try #require(events.first { $0.api == .anthropicMessages && $0.request["stream"] != nil })
            #expect(streamedAnthropic.exchange.reasoningText.hasPrefix("Let me reason"))
            #expect(streamedAnthropic.response?["type"]?.stringValue == "message")
            try await harness.waitForSnapshot { $0.eventsAnalyzed == Self.requests.count }
        }
    }

    @Test func refusesBadRequestsInEachAPIsErrorShape() async throws {
        try await GatewayHarness.run(configure: { $0.maximumBodyBytes = 2000 }) { harness in
            let (messages, body) = Self.requests[0]
            let unknown = try await harness.call(messages, body, account: "sk-not-registered")
            #expect(unknown.status == 401)
            #expect(unknown.json?["type"]?.stringValue == "error" && unknown.json?["error"]?["type"]?.stringValue == "authentication_error")
            #expect(unknown.json?["error"]?["code"]?.stringValue == "invalid_api_key")
            let missing = try await GatewayHarness.post(harness.gatewayURL + "/v1/chat/completions", Self.requests[2].body)
            #expect(missing.status == 401 && missing.json?["error"]?["code"]?.stringValue == "missing_api_key")
            let large = try await harness.call(
                "/v1/chat/completions",
                "{\"model\":\"gpt-x\",\"messages\":[{\"role\":\"user\",\"content\":\"\(String(repeating: "a", count: 3000))\"}]}")
            #expect(large.status == 413 && large.json?["error"]?["code"]?.stringValue == "body_too_large")
            let invalid = try await harness.call("/v1/responses", "{\"model\": ")
            #expect(invalid.status == 400 && invalid.json?["error"]?["type"]?.stringValue == "invalid_request_error")
            #expect(invalid.json?["error"]?["message"]?.stringValue?.contains("not valid JSON") == true)
        }
    }

    @Test func passesUpstreamErrorsThroughAndReportsTimeoutsInTheAPIsShape() async throws {
        // Each case has its own gateway: a short upstream timeout for the request that cannot answer
        // in time (the mock holds it six times longer), the default one elsewhere, so that a busy
        // machine never turns an answer into a timeout.
        try await GatewayHarness.run { harness in
            let failing = #"{"model":"mock-error","max_tokens":10,"messages":[{"role":"user","content":"x"}]}"#
            let direct = try await harness.direct("/v1/messages", failing)
            let proxied = try await harness.call("/v1/messages", failing)
            #expect(direct.status == 500 && proxied.status == 500 && proxied.text == direct.text)
        }
        try await GatewayHarness.run(configure: { $0.upstreamTimeoutSeconds = 0.5 }) { harness in
            let slow = try await harness.call("/v1/chat/completions", Self.requests[2].body, extraHeaders: [("x-mock-delay-ms", "3000")])
            #expect(slow.status == 504)
            #expect(slow.json?["error"]?["code"]?.stringValue == "upstream_timeout")
            let events = try await harness.loggedEvents(exchanges: 1)
            #expect(events.contains { $0.status == 504 }, "a timed-out exchange is still recorded")
        }
        try await GatewayHarness.run(configure: { config in
            config.upstreams[.anthropic] = .init(url: "http://127.0.0.1:9", apiKey: "k")
        }) { harness in
            let unreachable = try await harness.call("/v1/messages", Self.requests[0].body)
            #expect(unreachable.status == 502)
            #expect(
                unreachable.json?["type"]?.stringValue == "error"
                    && unreachable.json?["error"]?["code"]?.stringValue == "upstream_unreachable")
        }
    }

    static let actionPolicy = """
        {"rules":[
          {"name":"block-b","when":{"accounts":["acct_b"]},"action":"block","reason":"manual_block"},
          {"name":"verify-c","when":{"accounts":["acct_c"]},"action":"require_verification","verification_url":"https://example.com/verify"},
          {"name":"throttle-d","when":{"accounts":["acct_d"]},"action":"throttle","throttle":{"scope":"account","requests_per_minute":2}},
          {"name":"degrade-a","when":{"accounts":["acct_a"]},"action":"degrade","degrade":{"strip_reasoning":true,"max_output_tokens":300}}
        ]}
        """

    @Test func enforcesEachActionEndToEnd() async throws {
        let policy = try Policy.parse(Self.actionPolicy, file: "policy.json")
        try await GatewayHarness.run(configure: { $0.policy = policy }) { harness in
            let (path, body) = Self.requests[0]
            let blocked = try await harness.call(path, body, account: "acct_b")
            #expect(blocked.status == 403 && blocked.json?["error"]?["code"]?.stringValue == "manual_block")
            #expect(blocked.headers.first(name: "x-distillguard-action") == "block")

            let verify = try await harness.call("/v1/chat/completions", Self.requests[2].body, account: "acct_c")
            #expect(verify.status == 403 && verify.json?["error"]?["code"]?.stringValue == "verification_required")
            #expect(verify.json?["error"]?["message"]?.stringValue?.contains("https://example.com/verify") == true)

            var throttled: [Int] = []
            for _ in 0..<3 { throttled.append(try await harness.call(path, body, account: "acct_d").status) }
            #expect(throttled == [200, 200, 429])
            let limited = try await harness.call(path, body, account: "acct_d")
            #expect(limited.json?["error"]?["type"]?.stringValue == "rate_limit_error")
            #expect(Int(limited.headers.first(name: "retry-after") ?? "") ?? 0 >= 1)

            let thinking =
                #"{"model":"claude-x","max_tokens":8000,"thinking":{"type":"enabled","budget_tokens":4000},"messages":[{"role":"user","content":"Prove it"}]}"#
            let degraded = try await harness.call(path, thinking, account: "acct_a")
            #expect(degraded.status == 200)
            #expect(degraded.headers.first(name: "x-distillguard-action") == "degrade")
            let upstream = try await harness.lastUpstreamRequest()
            #expect(upstream.body?["thinking"] == nil && upstream.body?["max_tokens"]?.intValue == 300)
            #expect(degraded.json?["content"]?.arrayValue?.contains { $0["type"]?.stringValue == "thinking" } == false)

            let events = try await harness.loggedEvents(exchanges: 7)
            #expect(events.filter { $0.status == 403 }.count == 2, "refused requests are recorded too")
            #expect(
                events.contains { $0.accountID == "acct_a" && $0.request["thinking"] != nil },
                "the event keeps the request as the client sent it")
        }
    }

    static let harvestPrompt =
        "Think step by step and show all of your reasoning in full detail before giving the final answer.\\n\\nProblem: "

    static func harvestRequest(_ problem: String) -> String {
        #"{"model":"claude-x","max_tokens":64000,"thinking":{"type":"enabled","budget_tokens":31999},"messages":[{"role":"user","content":"\#(harvestPrompt)\#(problem)"}]}"#
    }

    @Test func blocksAFlaggedTemplateEvenFromABrandNewAccount() async throws {
        try await GatewayHarness.run(configure: { config in
            config.keys.append(.init(sha256: GatewayConfiguration.sha256Hex("sk-brand-new"), accountID: "acct_new"))
        }) { harness in
            for round in 0..<6 {
                let problem = CraftedLog.problems[round % CraftedLog.problems.count]
                for account in ["acct_a", "acct_b", "acct_c", "acct_d"] {
                    let reply = try await harness.call("/v1/messages", Self.harvestRequest(problem + " (\(round))"), account: account)
                    #expect(reply.status == 200 || reply.status == 403)
                }
            }
            try await harness.waitForSnapshot { $0.templates.templates.values.contains { $0.verdict == .attack } }
            let fresh = try await GatewayHarness.post(
                harness.gatewayURL + "/v1/messages", Self.harvestRequest("Compute the derivative of x^5 sin x."),
                headers: GatewayHarness.auth("/v1/messages", key: "sk-brand-new"))
            #expect(fresh.status == 403)
            #expect(fresh.json?["error"]?["code"]?.stringValue == "distillation_template")
            #expect(fresh.json?["error"]?["message"]?.stringValue?.contains("matches template T-") == true)
            let ordinary = try await GatewayHarness.post(
                harness.gatewayURL + "/v1/messages", Self.requests[0].body,
                headers: GatewayHarness.auth("/v1/messages", key: "sk-brand-new"))
            #expect(ordinary.status == 200, "the new account's ordinary requests still pass")
        }
    }

    @Test(arguments: [GatewayConfiguration.FailureMode.open, .closed])
    func followsTheFailureModeWhenStorageIsUnavailable(mode: GatewayConfiguration.FailureMode) async throws {
        try await GatewayHarness.run(configure: { config in
            config.failureMode = mode
            config.analysis.store = "/proc/distillguard-cannot-create/events.sqlite"
        }) { harness in
            let reply = try await harness.call("/v1/messages", Self.requests[0].body)
            let health = try await GatewayHarness.get(harness.gatewayURL + "/health")
            #expect(health.status == 503 && health.json?["status"]?.stringValue == "degraded")
            #expect(health.json?["analysis"]?["store_available"]?.boolValue == false)
            switch mode {
            case .open:
                #expect(reply.status == 200)
            case .closed:
                #expect(reply.status == 503)
                #expect(reply.json?["error"]?["code"]?.stringValue == "analysis_unavailable")
                #expect(reply.headers.first(name: "retry-after") == "5")
            }
        }
    }

    @Test func storesExchangesInTheEventStore() async throws {
        let directory = TemporaryDirectory()
        try await GatewayHarness.run(configure: { $0.analysis.store = directory.file("gateway.sqlite") }) { harness in
            for (path, body) in Self.requests.prefix(3) { _ = try await harness.call(path, body) }
            try await harness.waitForDrain(exchanges: 3)
            let health = try await GatewayHarness.get(harness.gatewayURL + "/health")
            #expect(health.status == 200 && health.json?["analysis"]?["store_available"]?.boolValue == true)
        }
        let store = try SQLiteEventStore(path: directory.file("gateway.sqlite"))
        #expect(try await store.eventCount() == 3)
        // With the feature rows `distillguard serve` reads when it analyses this database.
        let stored = try await store.events(after: 0, limit: 10)
        #expect(stored.count == 3 && stored.allSatisfy { $0.event.features != nil })
        for item in stored {
            let row = try #require(item.event.features)
            let decoded = try row.withUnsafeBytes { try FeatureRow.decode($0) }
            #expect(decoded.event.id == item.event.id && decoded.event.accountID == item.event.accountID)
        }
    }

    @Test func decisionAPIAnswersForOtherGateways() async throws {
        let policy = try Policy.parse(Self.actionPolicy, file: "policy.json")
        try await GatewayHarness.run(configure: { config in
            config.policy = policy
            config.decisionAPIKey = "decide-0123456789"
        }) { harness in
            let url = harness.gatewayURL + "/v1/decide"
            let event =
                #"{"id":"ext-1","timestamp":"2026-02-01T00:00:00Z","account_id":"acct_b","api":"openai.chat_completions","request":{"model":"gpt-x","messages":[{"role":"user","content":"hi"}]}}"#
            let unauthenticated = try await GatewayHarness.post(url, event)
            #expect(unauthenticated.status == 401)
            let wrong = try await GatewayHarness.post(url, event, headers: [("authorization", "Bearer decide-wrong")])
            #expect(wrong.status == 401)
            let auth = [("authorization", "Bearer decide-0123456789")]
            let bad = try await GatewayHarness.post(
                url,
                #"{"id":"x","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"openai.chat_completions","request":{"messages":"hi"}}"#,
                headers: auth)
            #expect(bad.status == 400 && bad.json?["error"]?["field"]?.stringValue == "request.messages")
            let blocked = try await GatewayHarness.post(url, event, headers: auth)
            #expect(blocked.status == 200)
            #expect(blocked.json?["action"]?.stringValue == "block" && blocked.json?["reason"]?.stringValue == "manual_block")
            #expect(blocked.json?["status"]?.intValue == 403)
            #expect(blocked.json?["error_body"]?["error"]?["code"]?.stringValue == "manual_block")
            let allowed = try await GatewayHarness.post(
                url + "?record=true", event.replacingOccurrences(of: "acct_b", with: "acct_z"), headers: auth)
            #expect(allowed.json?["action"]?.stringValue == "allow" && allowed.json?["recorded"]?.boolValue == true)
            let events = try await harness.loggedEvents(exchanges: 1)
            #expect(events.map(\.id) == ["ext-1"])
        }
    }

    @Test func recordsTheClientBehindATrustedProxyWithItsNetwork() async throws {
        let directory = try NetworkDirectory.parse("198.51.100.0/24,CN,4134,China Telecom\n", file: "networks.csv")
        try await GatewayHarness.run(configure: { config in
            config.trustedProxies = [CIDRBlock("127.0.0.1")!]
            config.clientNetworks = directory
        }) { harness in
            _ = try await harness.call(Self.requests[0].path, Self.requests[0].body, extraHeaders: [("x-forwarded-for", "198.51.100.7")])
            let events = try await harness.loggedEvents(exchanges: 1)
            let client = try #require(events.first?.client)
            #expect(client.ip == "198.51.100.7" && client.country == "CN" && client.asn == 4134 && client.asnOrg == "China Telecom")
        }
        try await GatewayHarness.run { harness in
            _ = try await harness.call(Self.requests[0].path, Self.requests[0].body, extraHeaders: [("x-forwarded-for", "198.51.100.7")])
            let events = try await harness.loggedEvents(exchanges: 1)
            #expect(events.first?.client.ip == "127.0.0.1", "without trusted proxies the header is the client's claim and ignored")
        }
    }

    @Test func exposesPrometheusMetrics() async throws {
        try await GatewayHarness.run { harness in
            _ = try await harness.call(Self.requests[0].path, Self.requests[0].body)
            _ = try await harness.call(Self.requests[1].path, Self.requests[1].body)
            let metrics = try await GatewayHarness.get(harness.gatewayURL + "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers.first(name: "content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
            for name in [
                #"dg_gateway_requests_total{api="anthropic.messages",status="200"} 2"#,
                #"dg_gateway_decisions_total{action="allow",reason="allowed"} 2"#,
                "dg_gateway_added_latency_seconds_bucket", "dg_gateway_upstream_latency_seconds_count", "dg_analysis_available 1",
            ] {
                #expect(metrics.text.contains(name), "\(name)")
            }
            #expect(!metrics.text.contains(GatewayHarness.upstreamKey))
        }
    }
}

/// The gateway's routes in-process (HummingbirdTesting's router framework, no sockets).
struct GatewayRouterTests {
    @Test func answersHealthDecisionsAndRefusalsWithoutSockets() async throws {
        var config = GatewayConfiguration()
        config.upstreams = [.anthropic: .init(url: "http://127.0.0.1:9", apiKey: "k")]
        config.decisionAPIKey = "decide-0123456789"
        let gateway = try await Gateway.start(configuration: config, logger: Logger(label: "test"))
        try await buildGatewayApplication(gateway, logger: Logger(label: "test")).test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .notFound, "no OpenAI upstream is configured")
                let body = try JSONParser.parse(Array(response.body.readableBytesView))
                #expect(body["error"]?["code"]?.stringValue == "no_upstream")
            }
            try await client.execute(uri: "/v1/messages", method: .post, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(
                uri: "/v1/messages", method: .post, headers: [.authorization: "Bearer sk-x"], body: ByteBuffer(string: "{}")
            ) { response in
                #expect(response.status == .unauthorized)
                let body = try JSONParser.parse(Array(response.body.readableBytesView))
                #expect(body["type"]?.stringValue == "error" && body["error"]?["code"]?.stringValue == "invalid_api_key")
            }
            let event =
                #"{"id":"e","timestamp":"2026-02-01T00:00:00Z","account_id":"a","api":"anthropic.messages","request":{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}}"#
            try await client.execute(
                uri: "/v1/decide", method: .post, headers: [.authorization: "Bearer decide-0123456789"], body: ByteBuffer(string: event)
            ) { response in
                #expect(response.status == .ok)
                let body = try JSONParser.parse(Array(response.body.readableBytesView))
                #expect(body["action"]?.stringValue == "allow" && body["recorded"]?.boolValue == false)
            }
        }
        try await gateway.shutdown()
    }
}
