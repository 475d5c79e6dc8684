import DistillGuardCore
import DistillGuardTesting
import Foundation
import Testing

struct SimulateCommandTests {
    let directory = TemporaryDirectory()

    @Test func listsAndPrintsBuiltInScenarios() throws {
        let list = try CommandRunner.run(["simulate", "--list-scenarios"])
        #expect(list.status == 0 && list.standardOutput.hasPrefix("feb-2026\t"))
        let printed = try CommandRunner.run(["simulate", "--print-scenario", "feb-2026"])
        #expect(try JSONParser.parse(printed.standardOutput)["name"] == "feb-2026")
    }

    @Test func runsAUserScenarioFile() throws {
        let printed = try CommandRunner.run(["simulate", "--print-scenario", "feb-2026"]).standardOutput
        let small = printed.replacingOccurrences(of: #""small": 50000"#, with: #""small": 1500"#)
        let scenario = directory.write("mine.json", text: small)
        let result = try CommandRunner.run(["simulate", "--scenario", scenario, "--seed", "9", "--out", directory.file("out")])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("coding hydra"))
        #expect(FileManager.default.fileExists(atPath: directory.file("out/events.jsonl")))
        #expect(FileManager.default.fileExists(atPath: directory.file("out/labels.jsonl")))
    }

    @Test func explainsBadArguments() throws {
        let missingOut = try CommandRunner.run(["simulate"])
        #expect(missingOut.status != 0 && missingOut.standardError.contains("--out"))
        let unknown = try CommandRunner.run(["simulate", "--scenario", "nope", "--out", directory.path])
        #expect(unknown.status != 0 && unknown.standardError.contains("neither a built-in scenario"))
        let badScale = try CommandRunner.run(["simulate", "--scale", "huge", "--out", directory.path])
        #expect(badScale.status != 0 && badScale.standardError.contains("huge"))
    }

    @Test func demoSimulatesDetectsAndWritesReports() throws {
        let result = try CommandRunner.run(["demo", "--out", directory.file("demo")])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try #require(directory.read("demo/report.txt"))
        #expect(
            report.contains("reasoning harvest") && report.contains("== distillguard ==") && report.contains("baseline: rate thresholds"))
        #expect(try #require(directory.read("demo/report.html")).contains("cluster-0001"))
        #expect(try JSONParser.parse(#require(directory.read("demo/verdicts.json")))["events_analyzed"]?.intValue ?? 0 > 40000)
        #expect(result.standardOutput.contains("report.html"))
    }
}
