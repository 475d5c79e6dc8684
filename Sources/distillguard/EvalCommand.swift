import ArgumentParser
import DistillGuardCore
import Foundation

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score verdicts against ground-truth labels.",
        discussion: """
            Prints precision, recall and F1 for attack (and for attack or review), the
            false-positive rate on benign accounts by kind, recall per campaign, and time to detect.
            With --events (the log that was analyzed) it adds exchange-weighted recall, the
            exchanges seen before each campaign's first flag, and two simple baselines run on the
            same events: per-account rate thresholds and per-account CoT keywords.
            """
    )

    @Option(name: .long, help: "Verdicts file written by `distillguard analyze --json`.")
    var verdicts: String

    @Option(name: .long, help: "Labels (JSON Lines: account_id, label, campaign, optional kind).")
    var labels: String

    @Option(name: .long, parsing: .upToNextOption, help: "The analyzed event logs, for exchange-based figures and baselines.")
    var events: [String] = []

    @Option(name: .long, help: "Also write the figures as JSON here.")
    var json: String?

    func run() throws {
        let evaluation = try Evaluator.evaluate(verdicts: verdicts, labels: labels, events: events)
        print(evaluation.text)
        if let json {
            let writer = try BufferedFileWriter(path: json)
            try writer.write(evaluation.json.description + "\n")
            try writer.close()
        }
    }
}

/// The reports of one evaluation: DistillGuard and the baselines, and regional compliance when labelled.
struct Evaluation {
    var reports: [EvaluationReport]
    var compliance: ComplianceEvaluation?

    var text: String { (reports.map(\.text) + (compliance.map { [$0.text] } ?? [])).joined(separator: "\n\n") }
    var json: JSONValue { .array(reports.map(\.json) + (compliance.map { [$0.json] } ?? [])) }
}

enum Evaluator {
    static func evaluate(verdicts: String, labels: String, events: [String]) throws -> Evaluation {
        do {
            let truth = try GroundTruth.load(labels)
            let verdictsJSON = try FlagSet.readJSON(verdicts)
            let flags = try FlagSet.load(verdicts: verdictsJSON, path: verdicts)
            let compliance = ComplianceEvaluation(verdicts: verdictsJSON, labels: truth)
            guard !events.isEmpty else {
                return Evaluation(reports: [EvaluationReport(flags: flags, labels: truth, traffic: nil)], compliance: compliance)
            }
            var traffic = CampaignTraffic()
            var baselines = Baselines()
            var reader = EventLogReader(configuration: .init(showProgress: true, retainNativeBodies: false))
            _ = try reader.read(events) { event in
                traffic.add(event, labels: truth)
                baselines.add(event)
            }
            return Evaluation(
                reports: [flags, baselines.rate, baselines.cotKeywords].map {
                    EvaluationReport(flags: $0, labels: truth, traffic: traffic)
                },
                compliance: compliance)
        } catch let error as EvaluationError {
            throw CommandFailure(error.description)
        } catch let error as FileError {
            throw CommandFailure(error.description)
        }
    }
}
