import DistillGuardCore
import DistillGuardServer
import DistillGuardTesting
import Foundation
import Logging
import Testing

/// The gateway's analysis thread on its own: what it publishes, and when it says it has settled.
struct LiveAnalysisTests {
    static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }

    @Test func everyExchangeReachesThePublishedVerdictsEvenWhenItArrivesDuringARefresh() async throws {
        // Refreshes run back to back while exchanges keep arriving, so many arrive during one. An
        // exchange that did used to stay out of the published verdicts until the next arrival.
        let analysis = try LiveAnalysis(configuration: .init(refreshSeconds: 0.001), logger: Self.logger)
        await analysis.start()
        var submitted = 0
        for round in 0..<40 {
            for index in 0..<25 {
                let line = EventFixtures.minimal(id: "e-\(round)-\(index)", account: "acct_\(index % 5)")
                #expect(analysis.submit(try EventDecoder.decode(line: line), line: line))
                submitted += 1
            }
            await Task.yield()
        }
        try await Wait.on("analysis to drain") { await analysis.drain() }
        #expect(analysis.isSettled)
        #expect(analysis.snapshot.eventsAnalyzed == submitted)
        #expect(analysis.health.analyzed == submitted && analysis.health.available)
        await analysis.stop()
    }

    @Test func isNotSettledWhileAnExchangeWaitsForTheNextRefresh() async throws {
        // A refresh interval far longer than the test: what is submitted is analyzed at once but
        // published only at the next refresh, and until then the analysis is not settled.
        let analysis = try LiveAnalysis(configuration: .init(refreshSeconds: 3600), logger: Self.logger)
        await analysis.start()
        #expect(analysis.isSettled, "nothing submitted, nothing to publish")
        let line = EventFixtures.minimal(id: "e-1")
        analysis.submit(try EventDecoder.decode(line: line), line: line)
        try await Wait.until("the exchange to be analyzed") { analysis.health.analyzed == 1 }
        #expect(!analysis.isSettled)
        #expect(analysis.snapshot.eventsAnalyzed == 0)
        await analysis.stop()
        #expect(analysis.snapshot.eventsAnalyzed == 1, "stopping publishes a last snapshot")
        #expect(analysis.isSettled)
    }

    @Test func drainPublishesAtOnceWhatWasSubmittedBeforeIt() async throws {
        // A refresh interval far longer than the test: without the drain's own refresh, the
        // exchanges would reach the published verdicts only in an hour.
        let analysis = try LiveAnalysis(configuration: .init(refreshSeconds: 3600), logger: Self.logger)
        try await Wait.on("analysis to drain") { await analysis.drain() }
        #expect(analysis.snapshot.eventsAnalyzed == 0, "before start, a drain returns at once")
        await analysis.start()
        try await Wait.on("analysis to drain") { await analysis.drain() }
        #expect(analysis.snapshot.eventsAnalyzed == 0, "nothing submitted, nothing published")
        for index in 0..<3 {
            let line = EventFixtures.minimal(id: "e-\(index)")
            analysis.submit(try EventDecoder.decode(line: line), line: line)
        }
        try await Wait.on("analysis to drain") { await analysis.drain() }
        #expect(analysis.snapshot.eventsAnalyzed == 3)
        #expect(analysis.health.analyzed == 3 && analysis.isSettled)
        // Several callers at once, with exchanges arriving between them: each sees its own in.
        async let first: Int = {
            try await Wait.on("the first caller's drain") { await analysis.drain() }
            return analysis.snapshot.eventsAnalyzed
        }()
        let line = EventFixtures.minimal(id: "e-3")
        analysis.submit(try EventDecoder.decode(line: line), line: line)
        try await Wait.on("analysis to drain") { await analysis.drain() }
        #expect(analysis.snapshot.eventsAnalyzed == 4)
        #expect(try await first >= 3)
        await analysis.stop()
        try await Wait.on("analysis to drain") { await analysis.drain() }
        #expect(analysis.snapshot.eventsAnalyzed == 4, "after stop, a drain returns at once")
    }
}
