import ArgumentParser
import DistillGuardCore
import DistillGuardSimulator
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Simulate two weeks of traffic with the February 2026 campaigns and summarize it.",
        discussion: """
            Simulates the built-in feb-2026 scenario at small scale (about 50,000 events) into a
            folder, then summarizes the log and its ground truth into DIR/report.txt. Detection
            joins this demo when the detection engine lands. Needs no data files and no network.
            """
    )

    @Option(name: .long, help: "Folder for events.jsonl, labels.jsonl and the report (default: a new temporary folder).")
    var out: String?

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 7

    @Option(name: .long, help: "Real prompts to mix into benign traffic (JSON Lines with text; .gz accepted).")
    var corpus: String?

    func run() throws {
        let directory = out ?? NSTemporaryDirectory() + "distillguard-demo-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let scenario = try ScenarioLoader.load("feb-2026")
        let corpusData = try corpus.map(ScenarioLoader.loadCorpus)
        StandardError.print("simulating \(scenario.name) (small scale, seed \(seed)) into \(directory) …")
        let summary = try ScenarioLoader.simulate(scenario, seed: seed, scale: .small, corpus: corpusData, into: directory)

        var reader = EventLogReader(configuration: .init(rejectsPath: "\(directory)/rejects.jsonl", showProgress: true))
        var log = LogSummary()
        let read = try reader.read(["\(directory)/events.jsonl"]) { log.add($0) }
        let report = [
            "DistillGuard demo — scenario \(scenario.name), seed \(seed)", "",
            SimulationReport.text(summary, directory: directory), "",
            "what the log holds (distillguard inspect):", log.text(read: read, top: 5), "",
            "Detection is not part of this build yet: the ground truth above is what it will be scored against.",
        ].joined(separator: "\n")
        try report.write(toFile: "\(directory)/report.txt", atomically: true, encoding: .utf8)
        print(report)
        print("\nreport written to \(directory)/report.txt")
    }
}
