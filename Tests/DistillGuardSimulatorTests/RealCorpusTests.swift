import DistillGuardCore
import DistillGuardSimulator
import DistillGuardTesting
import Foundation
import Testing

/// Mixing the real corpora of ../shared/data into benign traffic, where they are present.
@Suite(.enabled(if: SharedData.isAvailable, Comment(rawValue: SharedData.absentReason)))
struct RealCorpusTests {
    @Test(arguments: ["sharegpt-a.jsonl.gz", "humaneval.jsonl.gz", "ifbench.jsonl.gz"])
    func loadsEachSharedCorpus(name: String) throws {
        let (corpus, _) = try PromptCorpus.load(path: try #require(SharedData.file(name)))
        #expect(corpus.conversations.count > 100)
        #expect(corpus.conversations.allSatisfy { !$0.text.isEmpty })
    }

    /// Word problems without a math phrase count as math (`Detectors.isWordProblem`): on real
    /// ChatGPT prompts that rule must find the few there are, not sweep up ordinary chat.
    @Test func fewRealPromptsReadAsWordProblems() throws {
        let (corpus, _) = try PromptCorpus.load(path: try #require(SharedData.file("sharegpt-a.jsonl.gz")))
        let turns = corpus.conversations.flatMap { [$0.text] + $0.followups }
        let problems = turns.filter { Detectors.isWordProblem($0) }
        #expect(problems.count >= 20, "real word problems are found (\(problems.count) of \(turns.count) turns)")
        #expect(problems.count * 200 <= turns.count, "at most 0.5% of turns (\(problems.count) of \(turns.count))")
    }

    @Test func realPromptsAppearInSimulatedBenignTrafficAndStayBenign() async throws {
        let directory = TemporaryDirectory()
        let sharegpt = try #require(SharedData.file("sharegpt-a.jsonl.gz"))
        var scenario = try #require(try BuiltInScenarios.scenario(named: "feb-2026"))
        scenario.events.small = 8000
        let (corpus, _) = try PromptCorpus.load(path: sharegpt)
        let run = try Simulation(scenario: scenario, seed: 13, scale: .small, corpus: corpus)
            .run(eventsPath: directory.file("events.jsonl"), labelsPath: directory.file("labels.jsonl"))
        let texts = Set(corpus.conversations.prefix(5000).map { String($0.text.prefix(200)) })
        var fromCorpus = 0
        var reader = EventLogReader()
        _ = try reader.read([directory.file("events.jsonl")]) { event in
            if let first = event.exchange.turns.first?.text, texts.contains(String(first.prefix(200))) { fromCorpus += 1 }
        }
        #expect(run.events > 7000)
        #expect(fromCorpus > 500, "real prompts are mixed in")
        // Detection runs as users run it: the CLI, on its main thread. Waiting for it blocks a
        // thread of its own, not one of the few that other tests' in-process servers run on.
        let arguments = ["analyze", directory.file("events.jsonl"), "--json", directory.file("v.json")]
        let analyzed = try await offCooperativePool { try CommandRunner.run(arguments) }
        #expect(analyzed.status == 0, "\(analyzed.standardError)")
        let labels = try GroundTruth.load(directory.file("labels.jsonl"))
        let verdicts = try JSONParser.parse(#require(FileManager.default.contents(atPath: directory.file("v.json"))).map { $0 })
        let benignAtAttack = (verdicts["accounts"]?.arrayValue ?? []).filter {
            $0["verdict"] == "attack" && labels[$0["account_id"]?.stringValue ?? ""]?.isAttack == false
        }
        #expect(benignAtAttack.isEmpty, "no benign account at attack with real prompts")
    }
}
