import Foundation

/// Waiting on a condition the code under test exposes (analysis drained, checkpoint written, server
/// listening), instead of a sleep or a deadline that a busy machine can overrun.
///
/// A wait polls its condition until it holds; how long that takes is not part of what a test
/// checks. The only limit is a hang guard far beyond anything a slow machine needs (ten minutes by
/// default), so that a condition that never comes fails the test with what was awaited instead of
/// holding CI until it is killed.
public enum Wait {
    /// The longest any wait lasts before it is reported as a hang.
    public static let hangGuard: Duration = .seconds(600)

    /// Waits until `condition` holds, polling every `interval`; throws `WaitError` after `hangGuard`,
    /// and `CancellationError` when the task is cancelled.
    public static func until(
        _ what: @autoclosure () -> String, every interval: Duration = .milliseconds(20), hangGuard: Duration = hangGuard,
        _ condition: () async throws -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        while try await !condition() {
            guard clock.now - start < hangGuard else { throw WaitError(what: what(), waited: hangGuard) }
            try await Task.sleep(for: interval)
        }
    }

    /// Awaits `operation` (one that waits by itself, such as an analysis `drain()`), and cancels it
    /// and throws `WaitError` if it has not returned after `hangGuard`.
    public static func on<T: Sendable>(
        _ what: @autoclosure () -> String, hangGuard: Duration = hangGuard, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: hangGuard)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw WaitError(what: what(), waited: hangGuard) }
            return value
        }
    }

    /// `until` for blocking code that runs off the concurrency pool (processes, curl).
    public static func blockingUntil(
        _ what: @autoclosure () -> String, every interval: Duration = .milliseconds(50), hangGuard: Duration = hangGuard,
        _ condition: () throws -> Bool
    ) throws {
        let clock = ContinuousClock()
        let start = clock.now
        while try !condition() {
            guard clock.now - start < hangGuard else { throw WaitError(what: what(), waited: hangGuard) }
            Thread.sleep(forTimeInterval: Double(interval.components.seconds) + Double(interval.components.attoseconds) * 1e-18)
        }
    }
}

/// A condition that did not come within the hang guard: the code under test hangs.
public struct WaitError: Error, CustomStringConvertible {
    public var what: String
    public var waited: Duration

    public init(what: String, waited: Duration) {
        self.what = what
        self.waited = waited
    }

    public var description: String { "waited \(waited) for \(what); it never happened" }
}
