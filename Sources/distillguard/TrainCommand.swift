import ArgumentParser
import DistillGuardCore
import DistillGuardStore
import Foundation
import Logging

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fit the scoring model to labelled logs.",
        discussion: """
            Replays each event log (paired in order with its labels file), measures every account's
            signals, and fits a logistic regression. The attack threshold is set just above the
            highest-scoring benign account, so no labelled legitimate customer would be acted on;
            the review threshold at the 99th percentile of benign scores. Use the result with
            `distillguard analyze --model PATH`.

            With --database, the accounts analysts confirmed or dismissed in `distillguard serve`'s
            console are labelled data too: their signals come from the service's last checkpoint
            (no raw events are needed), their labels from the decisions.
            """
    )

    @Option(name: .long, parsing: .upToNextOption, help: "Event logs, one per labels file.")
    var events: [String] = []

    @Option(name: .long, parsing: .upToNextOption, help: "Labels files, in the same order as --events.")
    var labels: [String] = []

    @Option(name: .long, help: "The service's database (SQLite file or postgres:// URL): train on analysts' decisions too.")
    var database: String?

    @Option(name: .long, help: "PostgreSQL schema of the service's tables.")
    var postgresSchema: String = "public"

    @Option(name: .long, help: "Write the fitted model here (JSON).")
    var out: String

    @Option(name: .long, help: "Ignore accounts with fewer exchanges than this.")
    var minimumExchanges: Int = 5

    @Option(
        name: .long,
        help:
            "Also write the signals of every sample (each labelled account, and each cohort of small accounts) here (JSON Lines: account_id, label, kind, exchanges, signals), to see what the model is fitted on."
    )
    var signalsOut: String?

    func validate() throws {
        guard events.count == labels.count else {
            throw ValidationError("Give one --labels file for each --events file (got \(events.count) and \(labels.count)).")
        }
        guard !events.isEmpty || database != nil else {
            throw ValidationError("Give --events with --labels, or --database, or both.")
        }
    }

    func run() async throws {
        var samples: [(signals: AccountSignals, isAttack: Bool)] = []
        let signalsWriter = try signalsOut.map { try BufferedFileWriter(path: $0) }
        if let database { samples += try await Self.decisionSamples(database, schema: postgresSchema, minimumExchanges: minimumExchanges) }
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
                try signalsWriter?.write(
                    Self.record(account.accountID, isAttack: label.isAttack, kind: label.kind, account.exchanges, account.signals))
            }
            // Cohorts of small accounts are judged as one account (docs/detection.md): fitted as one
            // sample each, labelled by the majority of their labelled members.
            for cohort in engine.signalsByCohort() {
                let members = cohort.members.compactMap { truth[$0] }
                guard !members.isEmpty else { continue }
                let attacks = members.filter(\.isAttack).count
                let isAttack = attacks * 2 > members.count
                samples.append((cohort.signals, isAttack))
                // The most common kind among the members (ties broken by name, so the file is the same every run).
                let kind = Dictionary(grouping: members.compactMap(\.kind), by: { $0 })
                    .max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }?.key
                try signalsWriter?.write(
                    Self.record(
                        "cohort of \(cohort.members.count): \(cohort.members.prefix(3).joined(separator: ", "))…", isAttack: isAttack,
                        kind: "cohort:" + (kind ?? "unknown"), cohort.exchanges, cohort.signals))
            }
            if unlabelled > 0 { StandardError.print("note: \(eventsPath): \(unlabelled) accounts have no label and were left out") }
        }
        try signalsWriter?.close()
        guard samples.contains(where: \.isAttack), samples.contains(where: { !$0.isAttack }) else {
            throw CommandFailure("training needs both attack and benign accounts with at least \(minimumExchanges) exchanges")
        }
        let model = ScoringModel.fit(samples, minimumExchanges: minimumExchanges)
        let uncorroborated = samples.filter { $0.isAttack && !ScoringModel.canBeCorroborated($0.signals) }.count
        if uncorroborated > 0 {
            print(
                "note: \(uncorroborated) attack accounts show no harvest-specific signal (they can reach review, never attack) and were left out of the fit"
            )
        }
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

    /// One line of `--signals-out`.
    static func record(_ id: String, isAttack: Bool, kind: String?, _ exchanges: Int, _ signals: AccountSignals) -> String {
        let record: JSONValue = [
            "account_id": .string(id), "label": .string(isAttack ? "attack" : "benign"), "kind": kind.map(JSONValue.string) ?? .null,
            "exchanges": .int(Int64(exchanges)),
            "signals": .object(JSONObject(zip(AccountSignals.names, signals.values).map { (key: $0.0, value: JSONValue.double($0.1)) })),
        ]
        return record.description + "\n"
    }

    /// Accounts analysts decided on, with their signals from the service's last checkpoint.
    static func decisionSamples(
        _ database: String, schema: String, minimumExchanges: Int
    ) async throws -> [(
        signals: AccountSignals, isAttack: Bool
    )] {
        let location = StoreLocation(database)
        let (checkpoint, decisions) = try await location.withStore(schema: schema, logger: Logger(label: "distillguard.train")) { store in
            (try await store.checkpoint(), try await store.decisions())
        }
        guard let checkpoint else { throw CommandFailure("\(location): the service has not saved a checkpoint yet; nothing to train on") }
        let engine: DetectionEngine
        do { engine = try DetectionEngine(snapshot: checkpoint.state) } catch let error as EngineSnapshotError {
            throw CommandFailure("\(location): \(error.description)")
        }
        let truth = DecisionLedger(decisions).groundTruth
        var samples: [(signals: AccountSignals, isAttack: Bool)] = []
        for account in engine.signalsByAccount() where account.exchanges >= minimumExchanges {
            if let label = truth[account.accountID] { samples.append((account.signals, label.isAttack)) }
        }
        print("\(location): \(samples.count) accounts with analysts' decisions (of \(truth.count) decided)")
        return samples
    }
}
