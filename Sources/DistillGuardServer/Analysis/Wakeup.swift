import Synchronization

/// Wakes a task that waits for work, like a semaphore that counts to one: a signal given while
/// nobody waits is kept for the next wait, and several signals before it count as one. One task
/// waits at a time (a host's loop); the time limits of its waits are kept by `timers`.
final class Wakeup: Sendable {
    private struct State {
        var signalled = false
        var waiter: (id: Int, continuation: CheckedContinuation<Void, Never>)?
        /// The latest wait, and whether its time ran out before it began to wait.
        var latest = 0
        var expired = false
    }

    private let state = Mutex(State())
    private let timers: WorkerThread

    init(timers: WorkerThread) {
        self.timers = timers
    }

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.signalled = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Returns once signalled (at once when a signal is kept), or after `timeout`.
    func wait(timeout: Duration) async {
        let id = state.withLock { state -> Int? in
            if state.signalled {
                state.signalled = false
                return nil
            }
            state.latest += 1
            state.expired = false
            return state.latest
        }
        guard let id else { return }
        let timer = timers.schedule(after: timeout) { [self] in expire(id) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.signalled || state.expired {
                    state.signalled = false
                    return true
                }
                state.waiter = (id, continuation)
                return false
            }
            if ready { continuation.resume() }
        }
        timers.cancel(timer: timer)
    }

    private func expire(_ id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.latest == id else { return nil }
            guard let waiter = state.waiter else {
                state.expired = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }
}
