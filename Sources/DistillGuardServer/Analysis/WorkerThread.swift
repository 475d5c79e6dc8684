import Foundation
import Synchronization

/// One thread of its own that runs submitted work in order, for CPU-heavy work that must not hold
/// the threads answering requests. Its stack is large: the engine recurses deeply in debug builds.
final class WorkerThread: Sendable {
    /// What the thread and its submitters share (the thread holds this, not the `WorkerThread`).
    private final class Queue: Sendable {
        let jobs = Mutex<[@Sendable () -> Void]>([])
        let stopping = Mutex(false)
        let wake = DispatchSemaphore(value: 0)
    }

    private let queue = Queue()

    /// Starts the thread; `prepare` runs on it first (e.g. to lower its priority).
    init(name: String, stackSize: Int = 64 << 20, prepare: @escaping @Sendable () -> Void = {}) {
        let queue = queue
        let thread = Thread {
            prepare()
            while true {
                queue.wake.wait()
                let next = queue.jobs.withLock { jobs in jobs.isEmpty ? nil : jobs.removeFirst() }
                if let next { next() } else if queue.stopping.withLock({ $0 }) { return }
            }
        }
        thread.stackSize = stackSize
        thread.name = name
        thread.start()
    }

    /// Runs `work` on the thread and returns its result.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            submit { continuation.resume(returning: work()) }
        }
    }

    private func submit(_ job: @escaping @Sendable () -> Void) {
        queue.jobs.withLock { $0.append(job) }
        queue.wake.signal()
    }

    /// Ends the thread once the work already submitted is done.
    func stop() {
        queue.stopping.withLock { $0 = true }
        queue.wake.signal()
    }
}
