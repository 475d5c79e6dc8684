import DistillGuardTesting
import Foundation
import Testing

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
