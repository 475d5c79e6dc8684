import DistillGuardCore
import DistillGuardTesting
import Foundation
import Synchronization
import Testing

@testable import DistillGuardServer

/// The pieces both analysis hosts are built from: the engine's own thread, and the wake-up their
/// loops wait on.
struct EngineThreadTests {
    @Test func runsOneJobAtATimeOnItsOwnThreadAndPassesErrorsThrough() async throws {
        let thread = EngineThread(DetectionEngine(), name: "dg-engine-test")
        // Jobs submitted from many tasks at once run on one thread and never overlap.
        let running = Shared((now: 0, most: 0, done: 0, threads: Set<UInt>()))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    await thread.run { _ in
                        running.lock.withLock {
                            $0.now += 1
                            $0.most = max($0.most, $0.now)
                            $0.threads.insert(UInt(pthread_self()))
                        }
                        running.lock.withLock {
                            $0.now -= 1; $0.done += 1
                        }
                    }
                }
            }
        }
        #expect(running.lock.withLock { $0.done } == 20)
        #expect(running.lock.withLock { $0.most } == 1)
        #expect(running.lock.withLock { $0.threads.count } == 1)
        struct Refused: Error {}
        await #expect(throws: Refused.self) { try await thread.run { _ throws(Refused) in throw Refused() } }
        let line = EventFixtures.minimal(id: "e-1")
        let event = try EventDecoder.decode(line: line)
        let analysed = await thread.run { engine in
            engine.ingest(event, ExchangeFeatures(event))
            return engine.events
        }
        #expect(analysed == 1, "the engine keeps its state between jobs")
        #expect(await thread.run { $0.events } == 1)
    }

    @Test func aSignalGivenBeforeTheWaitIsKeptAndSeveralCountAsOne() async throws {
        let thread = EngineThread(DetectionEngine())
        let wakeup = thread.wakeup
        wakeup.signal()
        wakeup.signal()
        // Kept: returns at once although the timeout is far longer than any test.
        try await Wait.on("the kept signal") { await wakeup.wait(timeout: .seconds(3600)) }
        // The second signal was not kept apart: this wait ends by its (short) timeout.
        try await Wait.on("the timeout") { await wakeup.wait(timeout: .milliseconds(1)) }
        // The thread's own timers also end a sleep.
        try await Wait.on("the sleep") { await thread.sleep(for: .milliseconds(1)) }
    }

    @Test func aSignalWakesTheWaitingTask() async throws {
        let thread = EngineThread(DetectionEngine())
        let wakeup = thread.wakeup
        let woke = Shared(false)
        async let waiting: Void = {
            await wakeup.wait(timeout: .seconds(3600))
            woke.lock.withLock { $0 = true }
        }()
        // Signal until it is taken: a signal given before the wait began is kept for it anyway.
        try await Wait.until("the waiting task to wake") {
            wakeup.signal()
            return woke.lock.withLock { $0 }
        }
        await waiting
        withExtendedLifetime(thread) {}
    }
}

/// A value that tasks share (a lock cannot be captured by a task's closure itself).
private final class Shared<Value: Sendable>: Sendable {
    let lock: Mutex<Value>
    init(_ value: Value) { lock = Mutex(value) }
}
