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

    @Test func realPromptsAppearInSimulatedBenignTrafficAndStayBenign() throws {
        try onLargeStack { try realPromptsCheck() }
    }

    func realPromptsCheck() throws {
        let directory = TemporaryDirectory()
        let (corpus, _) = try PromptCorpus.load(path: try #require(SharedData.file("sharegpt-a.jsonl.gz")))
        var scenario = try #require(try BuiltInScenarios.scenario(named: "feb-2026"))
        scenario.events.small = 8000
        let run = try Simulation(scenario: scenario, seed: 13, scale: .small, corpus: corpus)
            .run(eventsPath: directory.file("events.jsonl"), labelsPath: directory.file("labels.jsonl"))
        let texts = Set(corpus.conversations.prefix(5000).map { String($0.text.prefix(200)) })
        var fromCorpus = 0
        var engine = DetectionEngine()
        var reader = EventLogReader()
        _ = try reader.readWithFeatures([directory.file("events.jsonl")]) { event, features in
            if let first = event.exchange.turns.first?.text, texts.contains(String(first.prefix(200))) { fromCorpus += 1 }
            engine.ingest(event, features)
        }
        #expect(run.events > 7000)
        #expect(fromCorpus > 500, "real prompts are mixed in")
        let labels = try GroundTruth.load(directory.file("labels.jsonl"))
        let result = engine.finish()
        let benignAtAttack = result.accounts.filter { $0.verdict == .attack && labels[$0.accountID]?.isAttack == false }
        #expect(benignAtAttack.isEmpty, "no benign account at attack with real prompts: \(benignAtAttack.map(\.accountID))")
    }
}

/// Runs `body` on a thread with an 8 MiB stack, as the CLI's main thread has: debug builds of the
/// engine need more than the 512 KiB of the worker threads tests run on.
func onLargeStack(_ body: @escaping () throws -> Void) throws {
    nonisolated(unsafe) var failure: (any Error)?
    nonisolated(unsafe) let work = body
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        do { try work() } catch { failure = error }
        done.signal()
    }
    thread.stackSize = 8 << 20
    thread.start()
    done.wait()
    if let failure { throw failure }
}
