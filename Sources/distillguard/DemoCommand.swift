import ArgumentParser
import DistillGuardCore
import DistillGuardSimulator
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Simulate two weeks of traffic with the February 2026 campaigns, detect them, and write a report.",
        discussion: """
            Simulates the built-in feb-2026 scenario at small scale (about 50,000 events) into a
            folder, replays it through the detection engine, scores the verdicts against the ground
            truth, and writes DIR/report.html (the investigation report) and DIR/report.txt (the
            evaluation). Needs no data files and no network.
            """
    )

    @Option(name: .long, help: "Folder for the log, labels, verdicts and reports (default: a new temporary folder).")
    var out: String?

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 7

    @Option(name: .long, help: "Real prompts to mix into benign traffic (JSON Lines with text; .gz accepted).")
    var corpus: String?

    /// The demo's provider does not serve these regions (a policy's `compliance` section sets them in production).
    static let restrictedRegions = ComplianceSettings(restrictedRegions: ["CN", "RU", "IR", "KP"])

    func run() throws {
        let directory = out ?? NSTemporaryDirectory() + "distillguard-demo-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let scenario = try ScenarioLoader.load("feb-2026")
        let corpusData = try corpus.map(ScenarioLoader.loadCorpus)
        StandardError.print("1/3 simulating \(scenario.name) (small scale, seed \(seed)) into \(directory) …")
        let simulated = try ScenarioLoader.simulate(scenario, seed: seed, scale: .small, corpus: corpusData, into: directory)
        let events = "\(directory)/events.jsonl"
        StandardError.print("2/3 analyzing …")
        let result = try Analysis.run(
            files: [events], model: .default, rejects: "\(directory)/rejects.jsonl", compliance: Self.restrictedRegions)
        try Analysis.write(result, json: "\(directory)/verdicts.json", html: "\(directory)/report.html")
        StandardError.print("3/3 scoring against the ground truth …")
        let evaluation = try Evaluator.evaluate(
            verdicts: "\(directory)/verdicts.json", labels: "\(directory)/labels.jsonl", events: [events])
        let report = [
            "DistillGuard demo — scenario \(scenario.name), seed \(seed)", "",
            SimulationReport.text(simulated, directory: directory), "",
            Analysis.summary(result, json: "\(directory)/verdicts.json", html: "\(directory)/report.html"), "",
            evaluation.text,
        ].joined(separator: "\n")
        try report.write(toFile: "\(directory)/report.txt", atomically: true, encoding: .utf8)
        print(report)
        print("\nopen \(directory)/report.html for the investigation report; figures in \(directory)/report.txt")
    }
}
