import Foundation
import Synchronization

/// One thread of its own that runs submitted work in order, for CPU-heavy work that must not hold
/// the threads answering requests. Its stack is large: the engine recurses deeply in debug builds.
///
/// It is also a task executor with timers of its own: a task that prefers it
/// (`Task(executorPreference:)`) runs its code here between suspensions, and its waits with a
/// time limit (`schedule(after:_:)`) are kept by this thread too, so that a loop which hands work
/// to this thread, waits for more and sleeps between rounds never wakes another thread for it
/// (neither the event loops that answer requests nor a timer thread).
final class WorkerThread: TaskExecutor, Sendable {
    private struct Timer {
        var id: Int
        var deadline: UInt64
        var job: @Sendable () -> Void
    }

    private struct Jobs {
        var ready: [@Sendable () -> Void] = []
        var timers: [Timer] = []
        var lastTimer = 0
        var stopping = false
    }

    /// What the thread and its submitters share (the thread holds this, not the `WorkerThread`).
    private final class Queue: Sendable {
        let jobs = Mutex(Jobs())
        let wake = DispatchSemaphore(value: 0)

        /// Runs jobs as they come and timers when due; returns once stopping with nothing left.
        func serve() {
            while true {
                let deadline = jobs.withLock { $0.timers.lazy.map(\.deadline).min() }
                if let deadline {
                    _ = wake.wait(timeout: DispatchTime(uptimeNanoseconds: deadline))
                } else {
                    wake.wait()
                }
                let now = DispatchTime.now().uptimeNanoseconds
                let (due, next, stop) = jobs.withLock { jobs -> ([@Sendable () -> Void], (@Sendable () -> Void)?, Bool) in
                    // Stopping, timers fire at once: nothing waits on this thread after it ends.
                    let fire = jobs.timers.filter { jobs.stopping || $0.deadline <= now }
                    jobs.timers.removeAll { jobs.stopping || $0.deadline <= now }
                    let next = jobs.ready.isEmpty ? nil : jobs.ready.removeFirst()
                    return (fire.map(\.job), next, jobs.stopping && jobs.ready.isEmpty && next == nil)
                }
                for job in due { job() }
                next?()
                if stop { return }
            }
        }
    }

    private let queue = Queue()

    /// Starts the thread; `prepare` runs on it first (e.g. to lower its priority).
    init(name: String, stackSize: Int = 64 << 20, prepare: @escaping @Sendable () -> Void = {}) {
        let queue = queue
        let thread = Thread {
            prepare()
            queue.serve()
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

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        submit { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// Runs `job` on the thread once `delay` has passed (at once when the thread stops first);
    /// returns an id for `cancel(timer:)`.
    @discardableResult
    func schedule(after delay: Duration, _ job: @escaping @Sendable () -> Void) -> Int {
        let nanoseconds = UInt64(max(0, delay / .nanoseconds(1)))
        let id = queue.jobs.withLock { jobs in
            jobs.lastTimer += 1
            jobs.timers.append(Timer(id: jobs.lastTimer, deadline: DispatchTime.now().uptimeNanoseconds + nanoseconds, job: job))
            return jobs.lastTimer
        }
        // The thread recomputes how long it may wait.
        queue.wake.signal()
        return id
    }

    /// Drops a timer that has not fired.
    func cancel(timer id: Int) {
        queue.jobs.withLock { $0.timers.removeAll { $0.id == id } }
    }

    /// Suspends the calling task for `delay`, kept by this thread's timers.
    func sleep(for delay: Duration) async {
        await withCheckedContinuation { continuation in
            schedule(after: delay) { continuation.resume() }
        }
    }

    private func submit(_ job: @escaping @Sendable () -> Void) {
        queue.jobs.withLock { $0.ready.append(job) }
        queue.wake.signal()
    }

    /// Ends the thread once the work already submitted is done.
    func stop() {
        queue.jobs.withLock { $0.stopping = true }
        queue.wake.signal()
    }
}
