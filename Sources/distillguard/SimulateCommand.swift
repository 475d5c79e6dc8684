import ArgumentParser
import DistillGuardCore
import DistillGuardSimulator
import Foundation

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate API traffic with distillation campaigns and ground truth.",
        discussion: """
            Writes DIR/events.jsonl (time-ordered, in the event-log contract, all three API shapes)
            and DIR/labels.jsonl (one ground-truth record per account, with its kind). The same
            scenario, seed and scale always give byte-identical files. Output is streamed, so the
            large scale runs in memory bounded by the number of accounts.

            --scenario takes a built-in name (see --list-scenarios) or a path to a scenario JSON
            file (format: docs/scenarios.md; --print-scenario NAME prints a built-in one to start
            from).
            """
    )

    @Option(name: .long, help: "Built-in scenario name or scenario JSON file.")
    var scenario: String = "feb-2026"

    @Option(name: .long, help: "Random seed; the same seed gives the same output.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "small (~50k events), medium (~500k) or large (~5M).")
    var scale: Simulation.Scale = .small

    @Option(name: .long, help: "Output folder (created if missing).")
    var out: String?

    @Option(name: .long, help: "Real prompts to mix into benign traffic: JSON Lines with text and optional followups (.gz accepted).")
    var corpus: String?

    @Option(name: .long, help: "Print a built-in scenario's JSON and exit.")
    var printScenario: String?

    @Flag(name: .long, help: "List the built-in scenarios and exit.")
    var listScenarios = false

    func validate() throws {
        if printScenario == nil, !listScenarios, out == nil {
            throw ValidationError("Missing --out DIR: the folder to write events.jsonl and labels.jsonl into.")
        }
    }

    func run() throws {
        if listScenarios {
            for name in BuiltInScenarios.names {
                let scenario = try BuiltInScenarios.scenario(named: name)!
                print("\(name)\t\(scenario.description)")
            }
            return
        }
        if let name = printScenario {
            guard let json = BuiltInScenarios.json(named: name) else {
                throw CommandFailure("no built-in scenario named '\(name)'; built-in: \(BuiltInScenarios.names.joined(separator: ", "))")
            }
            print(json)
            return
        }
        let loaded = try ScenarioLoader.load(scenario)
        let corpusData = try corpus.map(ScenarioLoader.loadCorpus)
        let directory = out!
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let summary = try ScenarioLoader.simulate(loaded, seed: seed, scale: scale, corpus: corpusData, into: directory)
        print(SimulationReport.text(summary, directory: directory))
    }
}

extension Simulation.Scale: ExpressibleByArgument {}

/// Shared by `simulate` and `demo`: loading scenarios and corpora with errors a user can act on.
enum ScenarioLoader {
    static func load(_ nameOrPath: String) throws -> Scenario {
        do {
            if let builtIn = try BuiltInScenarios.scenario(named: nameOrPath) { return builtIn }
            guard let data = FileManager.default.contents(atPath: nameOrPath) else {
                throw CommandFailure(
                    "'\(nameOrPath)' is neither a built-in scenario (\(BuiltInScenarios.names.joined(separator: ", "))) nor a readable file"
                )
            }
            return try Scenario.decode(data, source: nameOrPath)
        } catch let error as ScenarioError {
            throw CommandFailure(error.description)
        }
    }

    static func loadCorpus(_ path: String) throws -> PromptCorpus {
        do {
            let (corpus, skipped) = try PromptCorpus.load(path: path)
            if corpus.conversations.isEmpty { throw CommandFailure("\(path): no prompts with a non-empty \"text\" field") }
            if skipped > 0 { StandardError.print("note: \(path): skipped \(skipped) line(s) without a usable \"text\" field") }
            return corpus
        } catch let error as FileError {
            throw CommandFailure(error.description)
        }
    }

    static func simulate(
        _ scenario: Scenario, seed: UInt64, scale: Simulation.Scale, corpus: PromptCorpus?, into directory: String
    ) throws
        -> Simulation.Summary
    {
        let simulation = Simulation(scenario: scenario, seed: seed, scale: scale, corpus: corpus)
        let progress = ProgressMeter.forTerminal()
        defer { progress.finish() }
        do {
            return try simulation.run(eventsPath: "\(directory)/events.jsonl", labelsPath: "\(directory)/labels.jsonl") { done, total in
                progress.update(done: done, total: total, unit: "events")
            }
        } catch let error as FileError {
            throw CommandFailure(error.description)
        }
    }
}

enum SimulationReport {
    static func text(_ summary: Simulation.Summary, directory: String) -> String {
        var lines = [
            "wrote \(summary.events) events from \(summary.accounts) accounts to \(directory)/events.jsonl (labels: \(directory)/labels.jsonl)",
            "",
        ]
        lines.append("population".padding(toLength: 36, withPad: " ", startingAt: 0) + "label    accounts    events")
        for population in summary.populations {
            let name = population.name.padding(toLength: 36, withPad: " ", startingAt: 0)
            let label = population.label.padding(toLength: 7, withPad: " ", startingAt: 0)
            let accounts = String(summary.accountsByPopulation[population.name] ?? 0)
            let events = String(summary.eventsByPopulation[population.name] ?? 0)
            lines.append(
                "\(name)\(label)\(String(repeating: " ", count: max(1, 11 - accounts.count)))\(accounts)\(String(repeating: " ", count: max(1, 10 - events.count)))\(events)"
            )
        }
        return lines.joined(separator: "\n")
    }
}
