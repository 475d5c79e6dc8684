import DistillGuardCore
import DistillGuardServer
import DistillGuardTesting
import Foundation
import NIOHTTP1
import Testing

/// `/v1/authorize` and `/v1/mirror`, the endpoints for proxies that send no body with their check
/// (nginx `auth_request` and `mirror`; NginxIntegrationTests runs them behind a real nginx).
struct GatewayAuthorizeTests {
    static let key = "decide-0123456789abc"
    static let policy = """
        {"rules":[{"name":"block-b","when":{"accounts":["acct_b"]},"action":"block","reason":"distillation_attack"}]}
        """

    static func configure(_ config: inout GatewayConfiguration) {
        config.policy = try! Policy.parse(policy, file: "policy.json")
        config.decisionAPIKey = key
    }

    static func headers(uri: String, client: String?, decisionKey: String? = key) -> [(String, String)] {
        var headers = [("x-original-uri", uri)]
        if let decisionKey { headers.append(("x-distillguard-key", decisionKey)) }
        if let client { headers += GatewayHarness.auth(uri, key: client) }
        return headers
    }

    @Test func authorizeAnswersWithTheAccountsDecisionInHeaders() async throws {
        try await GatewayHarness.run(configure: Self.configure) { harness in
            let url = harness.gatewayURL + "/v1/authorize"
            let allowed = try await GatewayHarness.get(url, headers: Self.headers(uri: "/v1/chat/completions", client: "sk-client-a"))
            #expect(allowed.status == 204)
            #expect(allowed.headers.first(name: "x-distillguard-action") == "allow")
            #expect(allowed.headers.first(name: "x-distillguard-account") == "acct_a")

            let blocked = try await GatewayHarness.get(url, headers: Self.headers(uri: "/v1/messages?beta=true", client: "sk-client-b"))
            #expect(blocked.status == 403)
            #expect(blocked.headers.first(name: "x-distillguard-status") == "403")
            #expect(blocked.headers.first(name: "x-distillguard-reason") == "distillation_attack")
            let error = try #require(blocked.headers.first(name: "x-distillguard-error"))
            let body = try JSONParser.parse(Array(error.utf8))
            #expect(body["type"]?.stringValue == "error" && body["error"]?["type"]?.stringValue == "permission_error", "\(error)")
            #expect(blocked.json == body, "the body is the same error")

            // Under a prefix, as a proxy may serve the APIs.
            let prefixed = try await GatewayHarness.get(
                url, headers: Self.headers(uri: "/openai/v1/chat/completions", client: "sk-client-b"))
            #expect(prefixed.status == 403)

            let unknown = try await GatewayHarness.get(url, headers: Self.headers(uri: "/v1/chat/completions", client: "sk-nobody"))
            #expect(unknown.status == 403 && unknown.headers.first(name: "x-distillguard-status") == "401")
            let missing = try await GatewayHarness.get(url, headers: Self.headers(uri: "/v1/chat/completions", client: nil))
            #expect(missing.headers.first(name: "x-distillguard-status") == "401")
            #expect(missing.headers.first(name: "x-distillguard-error")?.contains("missing_api_key") == true)

            // Not a model call: nothing to decide.
            let models = try await GatewayHarness.get(url, headers: Self.headers(uri: "/v1/models", client: "sk-client-b"))
            #expect(models.status == 204)
        }
    }

    @Test func bothEndpointsNeedTheDecisionKey() async throws {
        try await GatewayHarness.run(configure: Self.configure) { harness in
            for decisionKey in [nil, "wrong-key-0123456789"] {
                let headers = Self.headers(uri: "/v1/chat/completions", client: "sk-client-a", decisionKey: decisionKey)
                let authorize = try await GatewayHarness.get(harness.gatewayURL + "/v1/authorize", headers: headers)
                #expect(authorize.status == 401)
                #expect(authorize.json?["error"]?["message"]?.stringValue?.contains("X-DistillGuard-Key") == true, "\(authorize.text)")
                let mirror = try await GatewayHarness.post(harness.gatewayURL + "/v1/mirror", "{}", headers: headers)
                #expect(mirror.status == 401)
            }
        }
        try await GatewayHarness.run { harness in
            let off = try await GatewayHarness.get(
                harness.gatewayURL + "/v1/authorize", headers: Self.headers(uri: "/v1/messages", client: "sk-client-a"))
            #expect(off.status == 404 && off.json?["error"]?["code"]?.stringValue == "decision_api_disabled")
        }
    }

    @Test func mirroredRequestsAreAnalysedAndWhatCannotBeIsSaid() async throws {
        try await GatewayHarness.run(configure: Self.configure) { harness in
            let url = harness.gatewayURL + "/v1/mirror"
            let prompt = #"{"model":"m","messages":[{"role":"user","content":"Summarise the plot of Hamlet"}]}"#
            let recorded = try await GatewayHarness.post(
                url, prompt, headers: Self.headers(uri: "/v1/chat/completions", client: "sk-client-a"))
            #expect(recorded.status == 202)
            #expect(recorded.json?["recorded"] == true && recorded.json?["account_id"]?.stringValue == "acct_a")

            let cases: [(uri: String, client: String?, body: String, reason: String)] = [
                ("/v1/models", "sk-client-a", prompt, "not_a_model_call"),
                ("/v1/chat/completions", "sk-nobody", prompt, "unidentified"),
                ("/v1/chat/completions", nil, prompt, "unidentified"),
                ("/v1/chat/completions", "sk-client-a", "not json", "invalid_json"),
            ]
            for item in cases {
                let reply = try await GatewayHarness.post(url, item.body, headers: Self.headers(uri: item.uri, client: item.client))
                #expect(reply.status == 200)
                #expect(reply.json?["recorded"] == false && reply.json?["reason"]?.stringValue == item.reason, "\(reply.text)")
            }
            let events = try await harness.loggedEvents(exchanges: 1)
            #expect(events.count == 1)
            #expect(events.first?.accountID == "acct_a" && events.first?.exchange.lastUserText == "Summarise the plot of Hamlet")

            let metrics = try await GatewayHarness.get(harness.gatewayURL + "/metrics").text
            #expect(metrics.contains(#"dg_gateway_mirror_total{result="recorded"} 1"#), "\(metrics)")
            #expect(metrics.contains(#"dg_gateway_mirror_total{result="unidentified"} 2"#))
        }
    }
}
