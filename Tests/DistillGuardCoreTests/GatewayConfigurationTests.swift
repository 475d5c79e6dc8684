import DistillGuardCore
import Testing

/// The gateway's configuration file: a complete example, and errors that name the field.
struct GatewayConfigurationTests {
    func parse(_ text: String, environment: [String: String] = [:], files: [String: String] = [:]) throws -> GatewayConfiguration {
        try GatewayConfiguration.parse(text, file: "gateway.json", environment: environment) { name in
            guard let text = files[name] else { throw ConfigurationError(file: name, field: "", message: "no such file") }
            return text
        }
    }

    @Test func readsACompleteConfiguration() throws {
        let config = try parse(
            """
            {"listen":{"host":"0.0.0.0","port":9000},
             "upstream":{"anthropic":{"url":"https://api.anthropic.com/","api_key_env":"ANTHROPIC_KEY"},"timeout_seconds":30},
             "keys":[{"key":"sk-one","account_id":"acct_1","tier":"free","created_at":"2026-01-01T00:00:00Z","declared_country":"DE"},
                     {"key_sha256":"\(String(repeating: "ab", count: 32))","account_id":"acct_2","organization_id":"org_9"}],
             "unknown_keys":"pass","failure_mode":"closed","max_body_bytes":1000,
             "analysis":{"event_log":"events.jsonl","store":"gateway.sqlite","refresh_seconds":2,"replay":["old.jsonl"]},
             "decision_api_key":"secret-decision-key",
             "policy":"policy.json", "client_networks":"networks.csv", "trusted_proxies":["10.0.0.0/8","::1"]}
            """, environment: ["ANTHROPIC_KEY": "sk-ant-real"],
            files: [
                "policy.json": #"{"default":"allow","rules":[{"name":"b","when":{"verdict":"attack"},"action":"block"}]}"#,
                "networks.csv": "198.51.100.0/24,CN,4134,China Telecom\n",
            ])
        #expect(config.clientNetworks.count == 1 && config.trustedProxies.count == 2)
        #expect(config.network(of: "198.51.100.20")?.country == "CN")
        #expect(config.host == "0.0.0.0" && config.port == 9000)
        #expect(config.upstreams[.anthropic]?.url == "https://api.anthropic.com")
        #expect(config.upstreams[.anthropic]?.apiKey == "sk-ant-real")
        #expect(config.upstreams[.openai] == nil)
        #expect(config.upstreamTimeoutSeconds == 30)
        #expect(config.keys.count == 2)
        #expect(config.keys[0].sha256 == GatewayConfiguration.sha256Hex("sk-one"))
        #expect(config.keys[0].account.tier == "free" && config.keys[0].account.declaredCountry == "DE")
        #expect(config.keys[1].organizationID == "org_9")
        #expect(config.unknownKeys == .pass && config.failureMode == .closed && config.maximumBodyBytes == 1000)
        #expect(config.analysis.refreshSeconds == 2 && config.analysis.replay == ["old.jsonl"])
        #expect(config.policy.rules.map(\.name) == ["b"])
    }

    @Test func readsWhereAnalystsDecisionsComeFrom() throws {
        let config = try parse(
            #"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"analysis":{"decisions_from":{"url":"http://dg:8080/","admin_token_env":"DG_ADMIN"}}}"#,
            environment: ["DG_ADMIN": "admin-token-0123456789"])
        #expect(config.analysis.decisionsFrom == .init(url: "http://dg:8080", token: "admin-token-0123456789"))
        let forwarding = try parse(
            #"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"analysis":{"forward_to":{"url":"https://dg.internal","ingest_key":"ingest-key-0123456789"}}}"#
        )
        #expect(forwarding.analysis.forwardTo == .init(url: "https://dg.internal", token: "ingest-key-0123456789"))
        let enforcing = try parse(
            #"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"analysis":{"verdicts_from":{"url":"http://dg:8080","admin_token":"admin-token-0123456789","timeout_seconds":2}}}"#
        )
        #expect(enforcing.analysis.verdictsFrom == .init(url: "http://dg:8080", token: "admin-token-0123456789", timeoutSeconds: 2))
        #expect(enforcing.analysis.gatewayID == nil, "named by host and port unless given")
        let named = try parse(
            #"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"analysis":{"verdicts_from":{"url":"http://dg","admin_token":"t"},"gateway_id":"edge-eu-1"}}"#
        )
        #expect(named.analysis.gatewayID == "edge-eu-1")
    }

    @Test func defaultsToTheBuiltInPolicy() throws {
        let config = try parse(#"{"upstream":{"openai":{"url":"http://127.0.0.1:1","api_key":"k"}}}"#)
        #expect(config.policy.rules.map(\.name) == Policy.default.rules.map(\.name))
        #expect(config.failureMode == .open && config.unknownKeys == .reject)
        #expect(config.decisionAPIKey == nil)
    }

    @Test(arguments: [
        (#"{}"#, "upstream", "required field is missing"),
        (#"{"upstream":{}}"#, "upstream", "at least one"),
        (#"{"upstream":{"openai":{"url":"api.openai.com","api_key":"k"}}}"#, "upstream.openai.url", "must start with http"),
        (#"{"upstream":{"openai":{"url":"http://x","api_key_env":"MISSING"}}}"#, "upstream.openai.api_key_env", "MISSING is not set"),
        (#"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"keys":[{"account_id":"a"}]}"#, "keys[0].key", "required"),
        (
            #"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"keys":[{"key_sha256":"zz","account_id":"a"}]}"#,
            "keys[0].key_sha256", "64 hexadecimal"
        ),
        (#"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"failure_mode":"sometimes"}"#, "failure_mode", "open or closed"),
        (#"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"listen":{"port":70000}}"#, "listen.port", "0–65535"),
        (
            #"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"analysis":{"refresh_seconds":0}}"#, "analysis.refresh_seconds",
            "positive"
        ),
        (#"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"polcy":{}}"#, "polcy", "unknown setting"),
        (#"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"policy":"nowhere.json"}"#, "policy", "cannot read policy file"),
        (
            #"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"trusted_proxies":["10.0.0.0/40"]}"#, "trusted_proxies[0]",
            "CIDR block"
        ),
        (#"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"client_networks":"nowhere.csv"}"#, "client_networks", "cannot read"),
        (
            #"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"analysis":{"decisions_from":{"url":"dg:8080","admin_token":"t"}}}"#,
            "analysis.decisions_from.url", "must start with http"
        ),
        (
            #"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"analysis":{"decisions_from":{"url":"http://dg:8080"}}}"#,
            "analysis.decisions_from.admin_token", "required field is missing"
        ),
        (
            #"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"analysis":{"forward_to":{"url":"http://dg","admin_token":"t"}}}"#,
            "analysis.forward_to.admin_token", "unknown setting"
        ),
        (
            #"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"analysis":{"verdicts_from":{"url":"http://dg","admin_token":"t"},"replay":["old.jsonl"]}}"#,
            "analysis.replay", "no effect with verdicts_from"
        ),
        (
            #"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"analysis":{"verdicts_from":{"url":"http://dg","admin_token":"t"},"decisions_from":{"url":"http://dg","admin_token":"t"}}}"#,
            "analysis.decisions_from", "not needed with verdicts_from"
        ),
        (
            #"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"analysis":{"gateway_id":"edge-1"}}"#,
            "analysis.gateway_id", "no effect without verdicts_from"
        ),
        (
            #"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"analysis":{"verdicts_from":{"url":"http://dg","admin_token":"t"},"gateway_id":"edge 1"}}"#,
            "analysis.gateway_id", "printable ASCII without spaces"
        ),
    ])
    func rejectsBadConfigurationNamingTheField(text: String, field: String, message: String) {
        #expect {
            _ = try parse(text)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.field == field && error.message.contains(message) && error.description.hasPrefix("gateway.json: field")
        }
    }

    @Test func aPolicyFileErrorNamesThatFile() {
        #expect {
            _ = try parse(
                #"{"upstream":{"openai":{"url":"http://x","api_key":"k"}},"policy":"p.json"}"#,
                files: ["p.json": #"{"rules":[{"name":"x","action":"nap"}]}"#])
        } throws: { error in
            (error as? ConfigurationError)?.description.hasPrefix("p.json: field `rules[0].action`") == true
        }
    }
}
