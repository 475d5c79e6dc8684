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

    @Test func theCallingTestIsKnownInside() async throws {
        // Swift Testing reports a failed expectation against `Test.current`, a task-local: known
        // inside, a failure there is this test's (on a bare thread it was nil, and failures were
        // reported for an unknown test while the test showed as passed).
        let outside = try #require(Test.current).id
        #expect(try await offCooperativePool { Test.current?.id } == outside)
    }
}
