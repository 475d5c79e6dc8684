import Testing

@testable import DistillGuardServer

/// Analysts' decisions are read by a periodic reload and after each decision recorded; only the
/// newest read is applied (`AnalysisFollower`).
struct DecisionReadsTests {
    /// The order that once lost a decision under load: a reload begins, an analyst's decision is
    /// recorded and read again, and the reload (which began before the decision) finishes last.
    @Test func aReadThatBeganBeforeOneAlreadyAppliedIsNotApplied() {
        var reads = DecisionReads()
        let reload = reads.begin()
        let afterDecision = reads.begin()
        let appliedAfterDecision = reads.accept(afterDecision)
        let appliedReload = reads.accept(reload)
        #expect(appliedAfterDecision)
        #expect(!appliedReload, "the reload would put back the list without the decision")
        #expect(reads.applied == afterDecision)
    }

    @Test func readsFinishingInTheOrderTheyBeganAreAllApplied() {
        var reads = DecisionReads()
        for _ in 0..<3 {
            let ticket = reads.begin()
            let applied = reads.accept(ticket)
            #expect(applied)
        }
        let first = reads.begin()
        let second = reads.begin()
        let appliedFirst = reads.accept(first)
        let appliedSecond = reads.accept(second)
        let appliedTwice = reads.accept(second)
        #expect(appliedFirst, "an older read is applied while no newer one has been")
        #expect(appliedSecond)
        #expect(!appliedTwice, "a read is applied once")
    }
}
