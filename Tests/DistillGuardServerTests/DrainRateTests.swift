import Testing

@testable import DistillGuardServer

/// Retry-After on a full backlog comes from how fast analysis really clears it, in wall time.
struct DrainRateTests {
    @Test func beforeAnyMeasurementTheClientIsToldToAskAgainInASecond() {
        let rate = DrainRate()
        #expect(rate.eventsPerSecond == nil)
        #expect(rate.retryAfterSeconds(backlog: 150_000, limit: 2_000) == 1)
    }

    @Test func theWaitIsTheTimeToBringTheBacklogUnderTheLimit() {
        var rate = DrainRate()
        // 10,000 events/s: 1,000 events every 0.1 s, scoring and store reads included.
        for step in 0..<10 {
            rate.begin(at: Double(step) * 0.1)
            rate.finished(1_000, at: Double(step + 1) * 0.1)
        }
        #expect(abs((rate.eventsPerSecond ?? 0) - 10_000) < 1)
        #expect(rate.retryAfterSeconds(backlog: 2_500, limit: 2_000) == 1, "under a second rounds up to the minimum")
        #expect(rate.retryAfterSeconds(backlog: 27_000, limit: 2_000) == 3, "25,001 events at 10,000/s")
        #expect(rate.retryAfterSeconds(backlog: 10_000_000, limit: 2_000) == DrainRate.longestWait)
    }

    @Test func timeBetweenBatchesCountsAndOnlyTheRecentWindowMatters() {
        var rate = DrainRate()
        rate.begin(at: 0)
        // Slow at first (100 events/s for 20 s), then 1,000 events per second with a refresh of
        // 0.5 s after each batch of 0.5 s: the wall-time rate is 1,000/s, not the 2,000/s of decoding alone.
        for second in 0..<20 { rate.finished(100, at: Double(second + 1)) }
        for second in 20..<40 { rate.finished(1_000, at: Double(second) + 1) }
        let measured = rate.eventsPerSecond ?? 0
        #expect(measured > 900 && measured < 1_100, "\(measured)")
    }

    @Test func aShortBusyPeriodStillTellsItsRateAfterAnalysisCatchesUp() {
        var rate = DrainRate()
        rate.begin(at: 5)
        rate.finished(2_500, at: 5.1)
        #expect(rate.eventsPerSecond == nil, "0.1 s is too short to go by while the period lasts")
        rate.caughtUp()
        #expect(abs((rate.eventsPerSecond ?? 0) - 25_000) < 1)
        rate.begin(at: 9)
        #expect(rate.retryAfterSeconds(backlog: 52_000, limit: 2_000) == 3, "the last rate stands in for the new period")
    }
}
