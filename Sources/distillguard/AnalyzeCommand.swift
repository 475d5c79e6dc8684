import ArgumentParser
import DistillGuardCore
import Foundation

struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Replay event logs through the detection engine and write verdicts (and an HTML report).",
        discussion: """
            Several files (one per gateway replica, or per day) are merged into one replay in time
            order; each file should itself be in time order, as gateways write them. The engine
            re-scores active accounts every 30 minutes of event time, so first_flagged_at is when an
            account first crossed into its verdict. The verdicts file follows the output contract
            (docs/verdicts.md).
            """
    )

    @Argument(help: "Event logs (JSON Lines, plain or gzip), or - for standard input.")
    var files: [String]

    @Option(name: .long, help: "Write verdicts here (JSON).")
    var json: String

    @Option(name: .long, help: "Write a single-file HTML report here.")
    var html: String?

    @Option(name: .long, help: "Scoring model from `distillguard train` (default: the shipped model).")
    var model: String?

    @Option(name: .long, help: "Copy rejected lines here, unchanged (reasons go to PATH.reasons.jsonl).")
    var rejects: String = "distillguard-rejects.jsonl"

    @Option(name: .long, help: "Match traffic against the partner indicators in this intel store.")
    var intel: String?

    @Option(name: .long, help: "The key shared with partners, to match pseudonymized indicators.")
    var keyFile: String?

    @Option(name: .long, help: "Policy file whose `compliance` section lists restricted regions (docs/compliance.md).")
    var policy: String?

    func run() async throws {
        let scoring = try ModelFile.load(model)
        var matcher: IntelMatcher?
        if let intel { matcher = try await IntelLoader.matcher(store: intel, keyFile: keyFile) }
        let compliance = try policy.flatMap { try PolicyFile.load($0).compliance }
        if policy != nil, compliance == nil {
            StandardError.print("note: \(policy!) enables no regional compliance assessment (no `compliance` section)")
        }
        let result = try Analysis.run(files: files, model: scoring, rejects: rejects, intel: matcher, compliance: compliance)
        try Analysis.write(result, json: json, html: html)
        print(Analysis.summary(result, json: json, html: html))
    }
}

/// Shared by `analyze` and `demo`.
enum Analysis {
    static func run(
        files: [String], model: ScoringModel, rejects: String, intel: IntelMatcher? = nil, compliance: ComplianceSettings? = nil
    ) throws -> AnalysisResult {
        var reader = EventLogReader(configuration: .init(rejectsPath: rejects, showProgress: true, retainNativeBodies: false))
        var engine = DetectionEngine(model: model, intel: intel)
        engine.compliance = compliance
        let read: EventLogReader.Summary
        do {
            read = try reader.readWithFeatures(files) { event, features in engine.ingest(event, features) }
        } catch let error as FileError {
            throw CommandFailure(error.description)
        }
        Diagnostics.reportProblems(read)
        let result = engine.finish(eventsRejected: read.rejected)
        if result.outOfOrderEvents > 0 {
            StandardError.print(
                "warning: \(result.outOfOrderEvents) events were more than an hour older than events before them; sort each file by time for exact first_flagged_at times"
            )
        }
        return result
    }

    static func write(_ result: AnalysisResult, json: String, html: String?) throws {
        do {
            let writer = try BufferedFileWriter(path: json)
            try writer.write(result.json.description + "\n")
            try writer.close()
            if let html {
                let report = try BufferedFileWriter(path: html)
                try report.write(HTMLReport(result: result).render())
                try report.close()
            }
        } catch let error as FileError {
            throw CommandFailure(error.description)
        }
    }

    static func summary(_ result: AnalysisResult, json: String, html: String?) -> String {
        let attacks = result.accounts.filter { $0.verdict == .attack }.count
        let reviews = result.accounts.filter { $0.verdict == .review }.count
        var lines = [
            "analyzed \(result.eventsAnalyzed) events from \(result.accountsAnalyzed) accounts (\(result.eventsRejected) rejected)",
            "verdicts: \(attacks) attack, \(reviews) review, \(result.accountsAnalyzed - attacks - reviews) benign; \(result.clusters.count) clusters; \(result.templates.count) flagged templates",
        ]
        for cluster in result.clusters.prefix(8) {
            let capability = cluster.capabilities.first.map { "\($0.name) \(Int(($0.share * 100).rounded()))%" } ?? ""
            lines.append(
                "  \(cluster.clusterID)  \(cluster.verdict.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) score \(String(format: "%.2f", cluster.score))  \(cluster.accounts.count) accounts, \(cluster.exchanges) exchanges, \(capability)"
            )
        }
        if let compliance = result.compliance {
            let review = compliance.accounts.filter { $0.confidence >= .medium }
            let regions = Dictionary(grouping: review, by: \.region).map { "\($0.key) \($0.value.count)" }.sorted().joined(separator: ", ")
            lines.append(
                "regional compliance (\(compliance.restrictedRegions.joined(separator: ", "))): \(review.count) accounts to review\(regions.isEmpty ? "" : " (\(regions))"), \(compliance.accounts.count - review.count) to monitor, \(Set(compliance.clusters.map(\.subject)).count) clusters assessed"
            )
        }
        lines.append("verdicts written to \(json)" + (html.map { "; report written to \($0)" } ?? ""))
        return lines.joined(separator: "\n")
    }
}

/// Reads a policy file for the commands that use part of it.
enum PolicyFile {
    /// The policy, with its watermark key and table read as the gateway would read them.
    static func load(_ path: String) throws -> Policy {
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("\(path): cannot read the policy file") }
        do {
            return try Policy.parse(
                String(decoding: data, as: UTF8.self), file: path, environment: ProcessInfo.processInfo.environment,
                readFile: reader(relativeTo: path))
        } catch {
            throw CommandFailure(error.description)
        }
    }

    /// Reads files a configuration names, relative paths from the configuration's folder.
    static func reader(relativeTo path: String) -> (String) throws -> String {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return { name in
            let resolved = name.hasPrefix("/") ? name : directory + "/" + name
            guard let data = FileManager.default.contents(atPath: resolved) else { throw CommandFailure("cannot read \(resolved)") }
            return String(decoding: data, as: UTF8.self)
        }
    }
}

enum ModelFile {
    static func load(_ path: String?) throws -> ScoringModel {
        guard let path else { return .default }
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("\(path): cannot read the model file") }
        do {
            return try ScoringModel(json: try JSONParser.parse(Array(data)), source: path)
        } catch let error as ModelFileError {
            throw CommandFailure(error.description)
        } catch {
            throw CommandFailure("\(path): \(error)")
        }
    }
}
