import DistillGuardCore
import DistillGuardTesting
import Foundation
import Testing

/// analyze, eval and train end to end on a small simulated log.
struct AnalyzeCommandTests {
    let directory = TemporaryDirectory()

    func simulate() throws -> (events: String, labels: String) {
        let printed = try CommandRunner.run(["simulate", "--print-scenario", "feb-2026"]).standardOutput
        let scenario = directory.write("small.json", text: printed.replacingOccurrences(of: #""small": 50000"#, with: #""small": 8000"#))
        let result = try CommandRunner.run(["simulate", "--scenario", scenario, "--seed", "77", "--out", directory.file("sim")])
        #expect(result.status == 0, "\(result.standardError)")
        return (directory.file("sim/events.jsonl"), directory.file("sim/labels.jsonl"))
    }

    @Test func analyzesEvaluatesAndTrains() throws {
        let (events, labels) = try simulate()
        let analyzed = try CommandRunner.run([
            "analyze", events, "--json", directory.file("v.json"), "--html", directory.file("r.html"), "--rejects",
            directory.file("rej.jsonl"),
        ])
        #expect(analyzed.status == 0, "\(analyzed.standardError)")
        #expect(analyzed.standardOutput.contains("verdicts:") && analyzed.standardOutput.contains("cluster-0001"))
        let verdicts = try JSONParser.parse(#require(directory.read("v.json")))
        #expect(verdicts["accounts"]?.arrayValue?.isEmpty == false)
        #expect(try #require(directory.read("r.html")).contains("<svg"))

        let evaluated = try CommandRunner.run([
            "eval", "--verdicts", directory.file("v.json"), "--labels", labels, "--events", events, "--json", directory.file("eval.json"),
        ])
        #expect(evaluated.status == 0, "\(evaluated.standardError)")
        for fragment in [
            "attack            precision", "attack or review", "exchange-weighted recall", "false-positive rate", "coding-hydra",
            "baseline: CoT keywords",
        ] {
            #expect(evaluated.standardOutput.contains(fragment), "\(fragment)")
        }
        #expect(try JSONParser.parse(#require(directory.read("eval.json"))).arrayValue?.count == 3)

        let trained = try CommandRunner.run([
            "train", "--events", events, "--labels", labels, "--out", directory.file("model.json"), "--signals-out",
            directory.file("signals.jsonl"),
        ])
        #expect(trained.status == 0, "\(trained.standardError)")
        let samples = try #require(directory.read("signals.jsonl")).split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(trained.standardOutput.contains("fitted on \(samples.count) accounts"), "one line per sample the model was fitted on")
        let sample = try #require(samples.first { $0["label"] == "attack" })
        #expect(sample["signals"]?.objectValue?.count == AccountSignals.names.count && sample["kind"]?.stringValue != nil)
        let again = try CommandRunner.run(["analyze", events, "--json", directory.file("v2.json"), "--model", directory.file("model.json")])
        #expect(again.status == 0, "\(again.standardError)")
    }

    /// `analyze` starts again with glibc's larger per-thread cache (`AllocatorTuning`): the restarted
    /// process keeps its arguments and its standard input, and writes what an untuned run writes.
    @Test func writesTheSameVerdictsWhetherItRestartsTunedOrNot() throws {
        let (events, _) = try simulate()
        let input = try #require(FileManager.default.contents(atPath: events))
        var environment = ProcessInfo.processInfo.environment
        environment["GLIBC_TUNABLES"] = nil
        environment[AllocatorTuning.environmentVariable] = nil
        let tuned = try CommandRunner.run(
            ["analyze", "-", "--json", directory.file("tuned.json"), "--rejects", directory.file("rej.jsonl")], input: [UInt8](input),
            environment: environment)
        #expect(tuned.status == 0, "\(tuned.standardError)")
        environment[AllocatorTuning.environmentVariable] = "off"
        let untuned = try CommandRunner.run(
            ["analyze", "-", "--json", directory.file("untuned.json"), "--rejects", directory.file("rej.jsonl")], input: [UInt8](input),
            environment: environment)
        #expect(untuned.status == 0, "\(untuned.standardError)")
        let written = try #require(directory.read("tuned.json"))
        #expect(try JSONParser.parse(written)["events_analyzed"]?.intValue == input.split(separator: UInt8(ascii: "\n")).count)
        #expect(written == directory.read("untuned.json"))

        environment[AllocatorTuning.environmentVariable] = "yes"
        let refused = try CommandRunner.run(["analyze", events, "--json", directory.file("refused.json")], environment: environment)
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("DISTILLGUARD_ALLOCATOR_TUNING must be 'on' or 'off' (it is 'yes')"))
    }

    @Test func assessesRegionalComplianceFromThePolicyAndEvaluatesIt() throws {
        let (events, labels) = try simulate()
        let policy = directory.write("policy.json", text: #"{"compliance":{"restricted_regions":["CN","RU","IR","KP"]}}"#)
        let analyzed = try CommandRunner.run([
            "analyze", events, "--json", directory.file("v.json"), "--html", directory.file("r.html"), "--policy", policy, "--rejects",
            directory.file("rej.jsonl"),
        ])
        #expect(analyzed.status == 0, "\(analyzed.standardError)")
        #expect(analyzed.standardOutput.contains("regional compliance (CN, IR, KP, RU):"))
        let verdicts = try JSONParser.parse(#require(directory.read("v.json")))
        let assessed = try #require(verdicts["compliance"]?["accounts"]?.arrayValue)
        #expect(assessed.contains { $0["confidence"] == "high" || $0["confidence"] == "medium" })
        #expect(try #require(directory.read("r.html")).contains("Regional compliance"))
        let evaluated = try CommandRunner.run(["eval", "--verdicts", directory.file("v.json"), "--labels", labels])
        #expect(evaluated.status == 0, "\(evaluated.standardError)")
        #expect(evaluated.standardOutput.contains("regional compliance (restricted: CN, IR, KP, RU)"))
        #expect(evaluated.standardOutput.contains("expatriate"))

        let bad = directory.write("bad.json", text: #"{"compliance":{"restricted_regions":["CN","XX"]}}"#)
        let refused = try CommandRunner.run(["analyze", events, "--json", directory.file("v3.json"), "--policy", bad])
        #expect(refused.status != 0)
        #expect(refused.standardError.contains("bad.json: field `compliance.restricted_regions[1]`: unknown country code 'XX'"))

        // The gateway's policy file, with its watermark key in a file beside it, serves analyze too.
        _ = directory.write("wm.key", text: "analyze-test-watermark-key-01\n")
        let gatewayPolicy = directory.write(
            "gateway-policy.json",
            text: #"{"watermark":{"key_file":"wm.key"},"default":"watermark","compliance":{"restricted_regions":["CN"]}}"#)
        let shared = try CommandRunner.run(["analyze", events, "--json", directory.file("v4.json"), "--policy", gatewayPolicy])
        #expect(shared.status == 0, "\(shared.standardError)")
    }

    @Test func explainsBadInput() throws {
        let badModel = directory.write("bad-model.json", text: #"{"format":"nope"}"#)
        let events = directory.write("e.jsonl", text: EventFixtures.minimal(id: "1") + "\n")
        let result = try CommandRunner.run(["analyze", events, "--json", directory.file("v.json"), "--model", badModel])
        #expect(result.status != 0 && result.standardError.contains("not a DistillGuard model"))
        let badLabels = directory.write("labels.jsonl", text: #"{"account_id": "a", "label": "maybe"}"# + "\n")
        let verdicts = directory.write("v0.json", text: #"{"accounts": []}"#)
        let eval = try CommandRunner.run(["eval", "--verdicts", verdicts, "--labels", badLabels])
        #expect(eval.status != 0 && eval.standardError.contains("labels.jsonl:1:"))
        let mismatch = try CommandRunner.run([
            "train", "--events", events, "--labels", badLabels, badLabels, "--out", directory.file("m.json"),
        ])
        #expect(mismatch.status != 0 && mismatch.standardError.contains("one --labels file for each --events file"))
    }
}
