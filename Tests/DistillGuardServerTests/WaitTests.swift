import DistillGuardTesting
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
