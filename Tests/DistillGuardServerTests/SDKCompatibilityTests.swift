import DistillGuardCore
import DistillGuardServer
import DistillGuardTesting
import Foundation
import Testing

/// The official `anthropic` and `openai` Python SDKs as clients through the gateway: they must get
/// exactly what they get from the upstream directly (`scripts/testing/sdk_through_gateway.py`).
struct SDKCompatibilityTests {
    static var sdksInstalled: Bool { PythonModules.installed(["anthropic", "openai"]) }

    /// The repository root, found from this file's location.
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/testing/sdk_through_gateway.py").path
    }

    @Test(
        .enabled(
            if: sdksInstalled, "the anthropic and openai Python SDKs are not installed (scripts/install-test-dependencies.sh installs them)"
        ))
    func officialSDKsSeeNoDifferenceThroughTheGateway() async throws {
        let policy = try Policy.parse(
            #"{"rules":[{"name":"block-d","when":{"accounts":["acct_d"]},"action":"block","reason":"distillation_attack"}]}"#,
            file: "p.json")
        try await GatewayHarness.run(configure: { $0.policy = policy }) { harness in
            let result = try await ExternalCommand.runWithoutBlocking([
                "python3", Self.script, "--gateway", harness.gatewayURL, "--upstream", harness.upstreamURL, "--client-key",
                GatewayHarness.clientKeys["acct_a"]!, "--upstream-key", GatewayHarness.upstreamKey, "--blocked-key",
                GatewayHarness.clientKeys["acct_d"]!,
            ])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("0 failure(s)"), "\(result.output)")
            #expect(
                result.output.components(separatedBy: "\nok ").count - 1 + (result.output.hasPrefix("ok ") ? 1 : 0) == 15,
                "\(result.output)")
            // How many exchanges the SDKs made is theirs to decide (retries, streams): wait for the ten
            // the script is known to send as acct_a.
            try await Wait.until("ten SDK exchanges of acct_a in the event log") {
                try await harness.waitForDrain(exchanges: 10)
                return try harness.readLog().filter { $0.accountID == "acct_a" }.count >= 10
            }
            #expect(
                try harness.readLog().filter { $0.accountID == "acct_a" }.count >= 10, "every SDK exchange through the gateway is recorded")
        }
    }
}
