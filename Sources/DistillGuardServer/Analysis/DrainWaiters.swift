import Synchronization

/// The callers of an analysis host's `drain()` (`LiveAnalysis`, `AnalysisFollower`): each waits
/// until what the host has published reaches a position (exchanges taken off the queue, or an
/// event's sequence number) no lower than where the work before its call ends.
final class DrainWaiters: Sendable {
    private struct Waiter {
        var id: Int
        var through: Int64
        var caller: CheckedContinuation<Void, Never>
    }

    private struct State {
        /// How far what is published reaches.
        var reached: Int64 = 0
        var waiting: [Waiter] = []
        var lastID = 0
        /// Whether the host's loop runs: only then is anything published for a caller.
        var open = false
    }

    private let state = Mutex(State())

    /// Whether a caller waits (the host then publishes at once instead of at its next refresh).
    var isWaiting: Bool { state.withLock { !$0.waiting.isEmpty } }

    /// Starts taking callers: the host's loop runs.
    func open() { state.withLock { $0.open = true } }

    /// Lets every caller go, and later ones at once: the host's loop has ended.
    func close() {
        let callers = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = false
            defer { state.waiting.removeAll() }
            return state.waiting.map(\.caller)
        }
        for caller in callers { caller.resume() }
    }

    /// Notes that what is published reaches `position` (it can move back, when a host restores an
    /// older checkpoint) and lets go the callers that waited for no more.
    func reach(_ position: Int64) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.reached = position
            let ready = state.waiting.filter { $0.through <= position }.map(\.caller)
            state.waiting.removeAll { $0.through <= position }
            return ready
        }
        for caller in ready { caller.resume() }
    }

    /// Returns once `reach` has reached `through`; at once when the host's loop does not run or
    /// the calling task is cancelled. `registered` runs when the caller starts waiting (to wake
    /// the host's loop).
    func wait(through: Int64, registered: () -> Void = {}) async {
        let id = state.withLock { state -> Int in
            state.lastID += 1
            return state.lastID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (caller: CheckedContinuation<Void, Never>) in
                let waiting = state.withLock { state -> Bool in
                    // Cancelled before this point, the handler below found nothing to resume.
                    guard state.open, !Task.isCancelled, state.reached < through else { return false }
                    state.waiting.append(Waiter(id: id, through: through, caller: caller))
                    return true
                }
                if waiting { registered() } else { caller.resume() }
            }
        } onCancel: {
            let caller = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiting.remove(at: index).caller
            }
            caller?.resume()
        }
    }
}
