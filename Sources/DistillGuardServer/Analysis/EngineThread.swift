import DistillGuardCore
import Foundation
import Synchronization

/// The detection engine on a thread of its own, the one way both hosts of analysis (the gateway's
/// `LiveAnalysis` and `serve`'s `AnalysisFollower`) use it: decoding, ingest, scoring and
/// snapshots run there, one job at a time in the order submitted, never on the threads that
/// answer requests, and the hosts' loops only wait for them.
final class EngineThread: Sendable {
    /// Touched only by jobs on `worker` (the lock makes that checkable, it is never contended).
    private let engine: Mutex<DetectionEngine>
    private let worker: WorkerThread
    /// What a loop on this thread waits on for work (its time limits kept by this thread).
    let wakeup: Wakeup

    /// - Parameter background: below request handlers in CPU priority (the gateway's, which shares
    ///   its cores with the hot path): analysis may lag, requests must not. Each job can then
    ///   choose the idle class as well (`run(idle:_:)`).
    init(_ engine: DetectionEngine, name: String = "distillguard-analysis", background: Bool = false) {
        self.engine = Mutex(engine)
        worker = WorkerThread(name: name) {
            if background { EngineThread.lowerThreadPriority() }
        }
        wakeup = Wakeup(timers: worker)
    }

    deinit { worker.stop() }

    /// The thread as a task executor, for a loop that should run where its jobs run.
    var executor: any TaskExecutor { worker }

    /// Suspends the calling task for `delay`, kept by this thread's timers.
    func sleep(for delay: Duration) async {
        await worker.sleep(for: delay)
    }

    /// Runs `work` with the engine on its thread and returns its result (or throws its error);
    /// `idle` puts the thread in the idle scheduling class for it, or back in the ordinary class
    /// (nil leaves the class as it is).
    func run<T: Sendable, Failure: Error>(
        idle: Bool? = nil, _ work: @escaping @Sendable (inout DetectionEngine) throws(Failure) -> T
    ) async throws(Failure) -> T {
        let result: Result<T, Failure> = await worker.run { [self] in
            if let idle { Self.setIdlePriority(idle) }
            return self.engine.withLock { engine in Result { () throws(Failure) -> T in try work(&engine) } }
        }
        return try result.get()
    }

    /// Puts the calling thread in the idle scheduling class (it runs only when no request handler
    /// wants the CPU, and any wake-up of one preempts it at once), or back in the ordinary class.
    static func setIdlePriority(_ idle: Bool) {
        #if os(Linux)
        var parameter = sched_param()
        parameter.sched_priority = 0
        // SCHED_IDLE is 5 and SCHED_OTHER 0 in Linux's ABI.
        pthread_setschedparam(pthread_self(), idle ? 5 : 0, &parameter)
        #endif
    }

    /// Raises the calling thread's nice value by 10 (Linux schedules threads individually; the
    /// thread id is read from `/proc/thread-self`, which links to `PID/task/TID`).
    static func lowerThreadPriority() {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = readlink("/proc/thread-self", &buffer, buffer.count - 1)
        guard count > 0 else { return }
        let link = String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let tid = link.split(separator: "/").last.flatMap({ id_t(String($0)) }) else { return }
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid, 10)
        #endif
    }
}
