import ArgumentParser
import DistillGuardCore
import Foundation

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fit the scoring model to labelled logs.",
        discussion: """
            Replays each event log (paired in order with its labels file), measures every account's
            signals, and fits a logistic regression. The attack threshold is set just above the
            highest-scoring benign account, so no labelled legitimate customer would be acted on;
            the review threshold at the 99th percentile of benign scores. Use the result with
            `distillguard analyze --model PATH`.
            """
    )

    @Option(name: .long, parsing: .upToNextOption, help: "Event logs, one per labels file.")
    var events: [String]

    @Option(name: .long, parsing: .upToNextOption, help: "Labels files, in the same order as --events.")
    var labels: [String]

    @Option(name: .long, help: "Write the fitted model here (JSON).")
    var out: String

    @Option(name: .long, help: "Ignore accounts with fewer exchanges than this.")
    var minimumExchanges: Int = 5

    func validate() throws {
        guard !events.isEmpty, events.count == labels.count else {
            throw ValidationError("Give one --labels file for each --events file (got \(events.count) and \(labels.count)).")
        }
    }

    func run() throws {
        var samples: [(signals: AccountSignals, isAttack: Bool)] = []
        for (eventsPath, labelsPath) in zip(events, labels) {
            let truth: [String: GroundTruth]
            do { truth = try GroundTruth.load(labelsPath) } catch let error as EvaluationError { throw CommandFailure(error.description) }
            var engine = DetectionEngine()
            var reader = EventLogReader(configuration: .init(showProgress: true, retainNativeBodies: false))
            _ = try reader.readWithFeatures([eventsPath]) { event, features in engine.ingest(event, features) }
            var unlabelled = 0
            for account in engine.signalsByAccount() where account.exchanges >= minimumExchanges {
                guard let label = truth[account.accountID] else {
                    unlabelled += 1
                    continue
                }
                samples.append((account.signals, label.isAttack))
            }
            if unlabelled > 0 { StandardError.print("note: \(eventsPath): \(unlabelled) accounts have no label and were left out") }
        }
        guard samples.contains(where: \.isAttack), samples.contains(where: { !$0.isAttack }) else {
            throw CommandFailure("training needs both attack and benign accounts with at least \(minimumExchanges) exchanges")
        }
        let model = ScoringModel.fit(samples, minimumExchanges: minimumExchanges)
        let writer = try BufferedFileWriter(path: out)
        try writer.write(model.json.description + "\n")
        try writer.close()
        let attacks = samples.filter(\.isAttack).count
        let caught = samples.filter { $0.isAttack && model.score($0.signals) >= model.attackThreshold }.count
        print(
            "fitted on \(samples.count) accounts (\(attacks) attack); attack threshold \(model.attackThreshold), review threshold \(model.reviewThreshold)"
        )
        print("on the training data: \(caught) of \(attacks) attack accounts at attack, 0 benign accounts at attack (by construction)")
        for (name, weight) in zip(AccountSignals.names, model.weights) {
            print("  \(name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(weight)")
        }
        print("model written to \(out)")
    }
}
