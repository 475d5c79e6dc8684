import DistillGuardCore
import DistillGuardTesting
import Foundation
import Testing

/// `intel export` on a simulated campaign, validated by the OASIS validator that the test script installs.
struct IntelCommandTests {
    let directory = TemporaryDirectory()

    static var validatorInstalled: Bool { PythonModules.installed(["stix2validator"]) }

    @Test(.enabled(if: validatorInstalled, "the OASIS stix2-validator is not installed (scripts/install-test-dependencies.sh installs it)"))
    func exportsABundleThatTheOASISValidatorAccepts() throws {
        let printed = try CommandRunner.run(["simulate", "--print-scenario", "feb-2026"]).standardOutput
        let scenario = directory.write("small.json", text: printed.replacingOccurrences(of: #""small": 50000"#, with: #""small": 6000"#))
        #expect(try CommandRunner.run(["simulate", "--scenario", scenario, "--seed", "5", "--out", directory.file("sim")]).status == 0)
        #expect(try CommandRunner.run(["analyze", directory.file("sim/events.jsonl"), "--json", directory.file("v.json")]).status == 0)
        let key = directory.write("key.hex", text: String(repeating: "ab", count: 32) + "\n")
        let export = try CommandRunner.run([
            "intel", "export", "--verdicts", directory.file("v.json"), "--out", directory.file("bundle.json"), "--key-file", key,
            "--producer",
            "Example AI",
        ])
        #expect(export.status == 0, "\(export.standardError)")
        #expect(export.standardOutput.contains("indicators for"))

        let script =
            "import sys\nfrom stix2validator import validate_file, print_results\nr = validate_file(sys.argv[1])\nprint_results(r)\nsys.exit(0 if r.is_valid else 1)"
        let validation = try ExternalCommand.run(["python3", "-c", script, directory.file("bundle.json")])
        #expect(validation.status == 0, "stix2-validator: \(validation.output)")
        let bundle = try #require(directory.read("bundle.json"))
        let verdicts = try JSONParser.parse(#require(directory.read("v.json")))
        let payments = (verdicts["accounts"]?.arrayValue ?? []).compactMap { $0["payment_fingerprint"]?.stringValue }
        #expect(!payments.isEmpty && payments.allSatisfy { !bundle.contains($0) })

        // A partner imports the bundle into a fresh store and replays the same traffic.
        let store = directory.file("partner-intel.sqlite")
        let imported = try CommandRunner.run(["intel", "import", directory.file("bundle.json"), "--store", store])
        #expect(imported.status == 0 && imported.standardOutput.contains("matchable indicator values"), "\(imported.standardError)")
        let replay = try CommandRunner.run([
            "analyze", directory.file("sim/events.jsonl"), "--json", directory.file("replay.json"), "--intel", store, "--key-file", key,
        ])
        #expect(replay.status == 0, "\(replay.standardError)")
        let labels = try GroundTruth.load(directory.file("sim/labels.jsonl"))
        let replayed = try JSONParser.parse(#require(directory.read("replay.json")))["accounts"]?.arrayValue ?? []
        let matched = Set(
            replayed.filter { account in
                (account["evidence"]?.arrayValue ?? []).contains { $0.stringValue?.contains("matches indicator") == true }
            }.compactMap { $0["account_id"]?.stringValue })
        let exported = Set(
            (verdicts["accounts"]?.arrayValue ?? []).filter { $0["verdict"] == "attack" }.compactMap { $0["account_id"]?.stringValue })
        #expect(!exported.isEmpty && exported.isSubset(of: matched), "every account of the shared campaigns is matched on replay")
        let benignMatched = matched.filter { labels[$0]?.isAttack == false }
        #expect(benignMatched.isEmpty, "ordinary customers match nothing: \(benignMatched)")

        // Without the key, no pseudonym matches.
        let otherKey = directory.write("other.hex", text: String(repeating: "cd", count: 32))
        _ = try CommandRunner.run([
            "analyze", directory.file("sim/events.jsonl"), "--json", directory.file("nokey.json"), "--intel", store, "--key-file", otherKey,
        ])
        let nokey = try #require(directory.read("nokey.json"))
        #expect(!nokey.contains("payment fingerprint matches") && !nokey.contains("account id matches"))

        // A malformed bundle changes nothing.
        let bad = directory.write("bad.json", text: #"{"type":"bundle","objects":[{"type":"indicator","id":"indicator--x"}]}"#)
        let refused = try CommandRunner.run(["intel", "import", bad, "--store", store])
        #expect(refused.status != 0 && refused.standardError.contains("nothing was imported"))
        let again = try CommandRunner.run(["intel", "import", directory.file("bundle.json"), "--store", store])
        #expect(again.standardOutput.contains("(0 new)"))
    }

    @Test func refusesAShortKey() throws {
        let key = directory.write("key.bin", text: "short")
        let verdicts = directory.write("v.json", text: #"{"accounts":[],"clusters":[]}"#)
        let result = try CommandRunner.run([
            "intel", "export", "--verdicts", verdicts, "--out", directory.file("b.json"), "--key-file", key, "--producer", "X",
        ])
        #expect(result.status != 0 && result.standardError.contains("at least 16 random bytes"))
    }
}

extension IntelCommandTests {
    /// `intel serve` as a user runs it: a real process on a loopback port, polled with curl.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "curl is not installed"))
    func servesPublishedIndicatorsOverTAXIIOnARealSocket() throws {
        let store = directory.file("published.sqlite")
        let key = directory.write("key.hex", text: String(repeating: "ab", count: 32))
        let verdicts = directory.write("v.json", text: CraftedLog.harvestingCampaign().analyze().json.description)
        let export = try CommandRunner.run([
            "intel", "export", "--verdicts", verdicts, "--out", directory.file("b.json"), "--key-file", key, "--producer", "X", "--publish",
            store,
        ])
        #expect(export.status == 0 && export.standardOutput.contains("published"), "\(export.standardError)")
        let token = directory.write("token", text: "token-for-partners-0123\n")
        let port = 20000 + Int(ProcessInfo.processInfo.processIdentifier % 20000)
        let server = Process()
        server.executableURL = CommandRunner.executable
        server.arguments = ["intel", "serve", "--store", store, "--port", String(port), "--token-file", token]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        func curl(_ arguments: [String]) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            process.arguments = ["-s", "-w", "\n%{http_code}", "--max-time", "60"] + arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return output
        }
        let base = "http://127.0.0.1:\(port)/taxii2/"
        var answer = ""
        try Wait.blockingUntil("intel serve to answer on port \(port)") {
            answer = try curl([base])
            guard answer.hasSuffix("000") else { return true }
            guard server.isRunning else {
                throw WaitError(what: "intel serve to answer (it exited with \(server.terminationStatus))", waited: .zero)
            }
            return false
        }
        #expect(answer.hasSuffix("401"), "unauthenticated access is refused")
        let objects = try curl([
            "-H", "Authorization: Bearer token-for-partners-0123",
            base + "api/collections/5c3f6a4e-0d1b-4c5e-9a8f-2b7d6e1f3a90/objects/?limit=5",
        ])
        #expect(objects.hasSuffix("200"))
        let envelope = try JSONParser.parse(String(objects.dropLast(4)))
        #expect(envelope["objects"]?.arrayValue?.count == 5 && envelope["more"] == true)
    }
}
