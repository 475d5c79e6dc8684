import DistillGuardCore
import DistillGuardServer
import DistillGuardTesting
import Foundation
import HummingbirdTesting
import NIOHTTP1
import Testing

/// The service and the gateway against the OpenAPI documents they serve, checked by schemathesis
/// (from PyPI) on the running servers: every documented status and schema, conforming requests
/// accepted, non-conforming ones refused, 405 for methods a path does not take, no server error.
@Suite struct OpenAPITests {
    static var schemathesisInstalled: Bool { PythonModules.installed(["schemathesis"]) }

    /// Runs schemathesis with a fixed seed against `baseURL`'s `/openapi.json`; `auth` is its TOML
    /// configuration of credentials per security scheme.
    static func schemathesis(_ baseURL: String, auth: String, directory: TemporaryDirectory) async throws -> (status: Int32, output: String)
    {
        let config = directory.write("schemathesis.toml", text: auth)
        // The document is fetched here and given as a file: schemathesis allows a schema ten
        // seconds to load, which a machine busy with the rest of the suite can overrun. Requests
        // have only the suite's hang guard as their limit, for the same reason.
        let document = try await GatewayHarness.get(baseURL + "/openapi.json")
        #expect(document.status == 200)
        let schema = directory.write("openapi.json", bytes: document.body)
        return try await ExternalCommand.runWithoutBlocking(
            [
                "python3", "-m", "schemathesis.cli", "--config-file", config, "run", schema, "--url", baseURL, "--checks", "all",
                "--max-examples", "30", "--seed", "1", "--no-color", "--request-timeout", String(Wait.hangGuard.components.seconds),
                "--report-dir", directory.file("report"),
                // Hypothesis's own warning that generating inputs is slow: a busy machine, not the API.
                "--suppress-health-check", "too_slow",
            ], in: directory.path)
    }

    @Test(.enabled(if: schemathesisInstalled, "schemathesis is missing (scripts/install-test-dependencies.sh installs it)"))
    func theServiceConformsToItsOpenAPIDocument() async throws {
        try await ServiceHarness.serve(.sqlite) { _, url in
            let auth = """
                [auth.openapi.ingestKey]
                bearer = "\(ServiceHarness.ingestKey)"
                [auth.openapi.adminToken]
                bearer = "\(ServiceHarness.adminToken)"
                [auth.openapi.decisionKey]
                bearer = "\(ServiceHarness.decisionKey)"
                """
            let (status, output) = try await Self.schemathesis(url, auth: auth, directory: TemporaryDirectory())
            #expect(status == 0, "\(output)")
            #expect(output.contains("No issues found"), "\(output)")
        }
    }

    @Test(.enabled(if: schemathesisInstalled, "schemathesis is missing (scripts/install-test-dependencies.sh installs it)"))
    func theGatewayConformsToItsOpenAPIDocument() async throws {
        let key = "decide-0123456789abcdef"
        try await GatewayHarness.run(configure: { $0.decisionAPIKey = key }) { harness in
            let auth = """
                [auth.openapi.decisionKey]
                bearer = "\(key)"
                [auth.openapi.decisionKeyHeader]
                api_key = "\(key)"
                """
            let (status, output) = try await Self.schemathesis(harness.gatewayURL, auth: auth, directory: harness.directory)
            #expect(status == 0, "\(output)")
            #expect(output.contains("No issues found"), "\(output)")
            // Whatever it sent, the gateway is still up and its analysis still running.
            let health = try await GatewayHarness.get(harness.gatewayURL + "/health")
            #expect(health.json?["analysis"]?["running"] == true, "\(health.text)")
        }
    }

    @Test func aPathAnsweredWithAnotherMethodGets405WithAllow() async throws {
        try await GatewayHarness.run(configure: { $0.decisionAPIKey = "decide-0123456789abcdef" }) { harness in
            let reply = try await GatewayHarness.get(harness.gatewayURL + "/v1/decide")
            #expect(reply.status == 405)
            #expect(reply.headers.first(name: "allow") == "POST")
            #expect(reply.json?["error"]?["code"]?.stringValue == "method_not_allowed")
            let unknown = try await GatewayHarness.get(harness.gatewayURL + "/v1/nothing-here")
            #expect(unknown.status == 404, "a path that does not exist stays 404")
        }
    }
}
