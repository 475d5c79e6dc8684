import DistillGuardTesting
import Foundation
import Testing

/// The suite's hang guard for operations that wait by themselves (`Wait.on`).
struct WaitTests {
    @Test func anOperationThatReturnsGivesItsValue() async throws {
        #expect(try await Wait.on("a value") { 7 } == 7)
    }

    @Test func anOperationThatNeverReturnsIsCancelledAndReported() async throws {
        // The operation never returns (until cancelled), so the outcome does not depend on how
        // busy the machine is: only when the report comes.
        let error = await #expect(throws: WaitError.self) {
            try await Wait.on("an operation that never returns", hangGuard: .milliseconds(50)) {
                try await Task.sleep(for: .seconds(24 * 3600))
            }
        }
        #expect(error?.description == "waited 0.05 seconds for an operation that never returns; it never happened")
    }
}

/// Blocking test code (`offCooperativePool`): off the threads that in-process servers run on, and
/// its failures reported against the test that ran it.
struct OffCooperativePoolTests {
    @Test func blockingCodeRunsOnAThreadOfItsOwn() async throws {
        #expect(!isOffCooperativePool)
        #expect(try await offCooperativePool { isOffCooperativePool })
    }

    @Test func anExpectationThatFailsInsideIsThisTestsIssue() async {
        // Reported for an unknown test instead, the issue would not be this test's known issue, and
        // `withKnownIssue` would fail this test for recording none.
        await withKnownIssue("a failing expectation inside blocking code") {
            try await offCooperativePool { #expect(Bool(false), "deliberately false") }
        }
    }
}
