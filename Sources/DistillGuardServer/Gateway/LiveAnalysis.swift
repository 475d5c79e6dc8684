import DistillGuardCore
import Foundation
import Logging
import Synchronization

/// Runs the detection engine beside live traffic, so the hot path never waits for analysis.
///
/// The gateway `submit`s each finished exchange; a full queue drops the exchange (counted in
/// `health`) instead of growing without bound or slowing requests. A loop takes what is queued:
/// on the engine's thread (`EngineThread`, below request handlers in priority) it turns exchanges
/// into contract events, appends them to the event log and feeds the engine; then it stores them
/// (the store's own async interface, or the service behind `forward_to`), and every
/// `refreshSeconds` publishes a new `EnforcementSnapshot` that the policy reads.
///
/// With `loadSnapshot` (the gateway's `analysis.verdicts_from`), the engine is not fed: every
/// `refreshSeconds` the loop reads the snapshot to publish from `distillguard serve` instead, so
/// that all gateways enforce one service's verdicts over all traffic. A failed read keeps the
/// snapshot read before; `staleAfterSeconds` without a successful read makes analysis unavailable.
public final class LiveAnalysis: Sendable {
    public struct Configuration: Sendable {
        public var refreshSeconds: Double
        public var queueCapacity: Int
        public var staleAfterSeconds: Double
        public var eventLog: String?
        /// Hand `persist` each exchange's features too (a store that keeps feature rows for
        /// `distillguard serve`'s analysis), made even when this gateway's engine is not fed.
        public var featureRows: Bool

        public init(
            refreshSeconds: Double = 5, queueCapacity: Int = 50_000, staleAfterSeconds: Double = 120, eventLog: String? = nil,
            featureRows: Bool = false
        ) {
            self.refreshSeconds = refreshSeconds
            self.queueCapacity = queueCapacity
            self.staleAfterSeconds = staleAfterSeconds
            self.eventLog = eventLog
            self.featureRows = featureRows
        }

        public init(_ analysis: GatewayConfiguration.Analysis) {
            self.init(
                refreshSeconds: analysis.refreshSeconds, queueCapacity: analysis.queueCapacity,
                staleAfterSeconds: analysis.staleAfterSeconds, eventLog: analysis.eventLog, featureRows: analysis.store != nil)
        }
    }

    /// An analysed exchange on its way to the store: the event, its line, and its features when
    /// they were made (the engine was fed, or `Configuration.featureRows`).
    public typealias Analysed = (event: Event, line: String, features: ExchangeFeatures?)

    /// Stores a batch of events durably; throwing marks storage unavailable until a later batch succeeds.
    public typealias Persist = @Sendable ([Analysed]) async throws -> Void

    /// Reads analysts' decisions (made in `distillguard serve`'s console on the same database).
    public typealias LoadDecisions = @Sendable () async throws -> [AnalystDecision]

    /// Reads the snapshot to enforce from the service that analyses all gateways' traffic.
    public typealias LoadSnapshot = @Sendable () async throws -> EnforcementSnapshot

    public struct Health: Sendable {
        public var running: Bool
        public var storeAvailable: Bool
        /// Analysed exchanges the store (or the service behind `forward_to`) has not taken yet.
        public var unstored: Int
        public var queued: Int
        public var dropped: Int
        public var analyzed: Int
        public var rejected: Int
        public var snapshotAgeSeconds: Double
        /// Whether the hot path can rely on analysis: running, storing, keeping up and recent.
        public var available: Bool
    }

    struct State {
        /// Exchanges from the proxy (still bytes), or events already decoded (`/v1/decide?record=true`).
        var queue: [EngineInput] = []
        var running = false
        var stopping = false
        var storeAvailable = true
        var unstored = 0
        var dropped = 0
        var analyzed = 0
        var rejected = 0
        var lastRefresh: Double = 0
        /// Items taken off the queue and still being processed.
        var inFlight = 0
        /// Whether the engine has events that no published snapshot reflects yet. (Comparing the
        /// times of the last submission and the last refresh is not enough: an exchange submitted
        /// while a refresh runs is older than that refresh but not in it.)
        var unpublished = false
        /// Exchanges accepted into the queue since start, and how many of them the thread has taken.
        var accepted = 0
        var taken = 0
    }

    let configuration: Configuration
    let persist: Persist?
    let loadDecisions: LoadDecisions?
    let loadSnapshot: LoadSnapshot?
    let logger: Logger
    private let state = Mutex(State())
    /// Callers of `drain()`, and how far the published verdicts reach (exchanges taken off the queue).
    private let drains = DrainWaiters()
    private let enforcement = EnforcementPublisher()
    private let lastDecisionLoad = Mutex(-Double.infinity)
    private let lastSnapshotLoad = Mutex(-Double.infinity)
    private let engine: EngineThread
    /// What the loop waits on: a submission to an empty queue, a drain, or stopping.
    private let wake: Wakeup
    /// The event log, written by jobs on the engine's thread.
    private let log: Mutex<BufferedFileWriter?>
    /// Events analysed but not stored yet, retried with back-off; touched by the loop only.
    private let retry = Mutex(StoreRetry())
    /// The loop, from `start()` until it has stopped.
    private let loop = Mutex<Task<Void, Never>?>(nil)

    public init(
        configuration: Configuration, model: ScoringModel = .default, compliance: ComplianceSettings? = nil, persist: Persist? = nil,
        loadDecisions: LoadDecisions? = nil, loadSnapshot: LoadSnapshot? = nil, logger: Logger
    ) throws {
        self.configuration = configuration
        self.persist = persist
        self.loadDecisions = loadDecisions
        self.loadSnapshot = loadSnapshot
        self.logger = logger
        var engine = DetectionEngine(model: model)
        engine.compliance = compliance
        self.engine = EngineThread(engine, background: true)
        wake = self.engine.wakeup
        self.log = Mutex(try configuration.eventLog.map { try BufferedFileWriter(path: $0, capacity: 1 << 20, append: true) })
    }

    /// Reports storage as unavailable until a batch is stored (a store that could not be opened).
    public func markStoreUnavailable() {
        state.withLock { $0.storeAvailable = false }
    }

    /// The verdicts the policy reads; cheap to call on every request.
    public var snapshot: EnforcementSnapshot { enforcement.snapshot }

    /// Replays earlier event logs into the engine before traffic starts, so verdicts survive a restart.
    public func replay(_ paths: [String]) async throws -> Int {
        guard !paths.isEmpty else { return 0 }
        let summary = try await engine.run { engine in
            var reader = EventLogReader()
            return try reader.readWithFeatures(paths) { event, features in engine.ingest(event, features) }
        }
        await refresh()
        return summary.events
    }

    /// Reads analysts' decisions and starts the loop.
    public func start() async {
        drains.open()
        await reloadDecisions()
        state.withLock { state in
            state.running = true
            state.lastRefresh = Self.now()
        }
        // The loop runs on the engine's thread between its waits, in its scheduling class: handing
        // a round to the engine and taking its result back then costs no switch between threads.
        loop.withLock { $0 = Task(executorPreference: engine.executor) { await self.run() } }
    }

    /// Drains the queue, publishes a last snapshot, flushes the log and stops the loop.
    public func stop() async {
        let wasRunning = state.withLock { state -> Bool in
            state.stopping = true
            return state.running
        }
        guard wasRunning else { return }
        wake.signal()
        await loop.withLock { $0 }?.value
    }

    /// Queues an exchange for analysis; false when the queue is full and it was dropped.
    @discardableResult
    public func submit(_ record: ExchangeRecord) -> Bool { submit(.exchange(record)) }

    /// Queues an event that was already decoded from `line`.
    @discardableResult
    public func submit(_ event: Event, line: String) -> Bool { submit(.event(event, line: line)) }

    private func submit(_ item: EngineInput) -> Bool {
        let (accepted, wakeNow) = state.withLock { state -> (Bool, Bool) in
            guard state.queue.count < configuration.queueCapacity, !state.stopping else {
                state.dropped += 1
                return (false, false)
            }
            state.queue.append(item)
            state.accepted += 1
            return (true, state.queue.count == 1)
        }
        // Only the first exchange of an empty queue wakes the thread: while it works through a
        // batch, later ones wait for its next round without a wake-up each.
        if wakeNow { wake.signal() }
        return accepted
    }

    /// The longest the analysis thread sleeps between rounds when nothing wakes it.
    static let pollInterval = 0.5
    /// After a round with exchanges, the thread lets the next ones gather this long before it takes
    /// them: under load it then logs, stores and wakes once per few milliseconds of traffic instead
    /// of once per exchange, and takes less of the CPU the request path needs (docs/benchmarks.md).
    static let gatherInterval = 0.002

    public var health: Health {
        let now = Self.now()
        return state.withLock { state in
            let age = state.lastRefresh > 0 ? now - state.lastRefresh : 0
            let backlogged = state.queue.count >= configuration.queueCapacity
            // A local engine is stale only while traffic waits on it; a service read, whenever it fails for long.
            let stale = (loadSnapshot != nil || state.unpublished || !state.queue.isEmpty) && age > configuration.staleAfterSeconds
            return Health(
                running: state.running && !state.stopping, storeAvailable: state.storeAvailable, unstored: state.unstored,
                queued: state.queue.count,
                dropped: state.dropped, analyzed: state.analyzed, rejected: state.rejected, snapshotAgeSeconds: age,
                available: state.running && !state.stopping && state.storeAvailable && !backlogged && !stale)
        }
    }

    /// Returns once every exchange submitted before the call has been analysed, written to the
    /// event log, handed to the store (a store that fails keeps it for the next try: see `health`)
    /// and is in the published verdicts. Asking publishes at once rather than at the next
    /// `refreshSeconds`. Returns at once when the analysis thread is not running, or when the
    /// calling task is cancelled; a call made while it stops returns when it has stopped (it
    /// drains the queue first).
    public func drain() async {
        await drains.wait(through: Int64(state.withLock { $0.accepted })) { wake.signal() }
    }

    /// Whether everything submitted so far has been analyzed, logged and stored, and is reflected
    /// in the published verdicts (what `drain()` waits for).
    public var isSettled: Bool {
        state.withLock { state in
            state.queue.isEmpty && state.inFlight == 0 && !state.unpublished
        }
    }

    private func run() async {
        while true {
            await wake.wait(timeout: .milliseconds(Int64(min(configuration.refreshSeconds, Self.pollInterval) * 1000)))
            let (batch, stopping, lagging) = state.withLock { state in
                let batch = state.queue
                state.queue.removeAll(keepingCapacity: true)
                state.inFlight = batch.count
                state.taken += batch.count
                let behind = (state.unpublished || !batch.isEmpty) && Self.now() - state.lastRefresh > 2 * configuration.refreshSeconds
                return (batch, state.stopping, behind)
            }
            // Idle priority while analysis keeps up; ordinary (low) priority when a backlog builds
            // or the published verdicts fall two refreshes behind traffic, so that other work on the
            // host cannot starve it into dropping exchanges or enforcing stale verdicts.
            let idle = batch.count < configuration.queueCapacity / 4 && !lagging
            if !batch.isEmpty { await process(batch, idle: idle) } else { await storePending(force: false) }
            // A refresh is due every refreshSeconds while the engine has news, and at once for a drain.
            let due = state.withLock {
                $0.unpublished && (drains.isWaiting || Self.now() - $0.lastRefresh >= configuration.refreshSeconds)
            }
            if loadSnapshot == nil, due || stopping { await refresh(idle: idle) }
            state.withLock { $0.inFlight = 0 }
            resumeDrains()
            if Self.now() - lastDecisionLoad.withLock({ $0 }) >= configuration.refreshSeconds { await reloadDecisions() }
            if Self.now() - lastSnapshotLoad.withLock({ $0 }) >= configuration.refreshSeconds, !stopping { await reloadSnapshot() }
            if !batch.isEmpty && !stopping { await engine.sleep(for: .milliseconds(Int64(Self.gatherInterval * 1000))) }
            if stopping {
                await storePending(force: true)
                let unstored = retry.withLock { $0.pending.count }
                if unstored > 0 {
                    logger.error(
                        "stopping with exchanges the store never took (the event log has them, if one is configured)",
                        metadata: ["dg.events": "\(unstored)"])
                }
                await flushLog()
                state.withLock { $0.running = false }
                drains.close()
                return
            }
        }
    }

    /// Lets the callers of `drain()` go whose exchanges have all been taken, processed (this runs
    /// after the round's batch) and published.
    private func resumeDrains() {
        let settled = state.withLock { $0.unpublished ? nil : $0.taken }
        if let settled { drains.reach(Int64(settled)) }
    }

    /// Makes events of `batch`, logs them and feeds them to the engine (a job on its thread, in the
    /// idle class when `idle`), then hands them to the store.
    private func process(_ batch: [EngineInput], idle: Bool) async {
        let (logger, feed, featureRows) = (logger, loadSnapshot == nil, configuration.featureRows)
        let (events, rejected) = await engine.run(idle: idle) { [self] engine in
            var events: [Analysed] = []
            events.reserveCapacity(batch.count)
            var rejected = 0
            for item in batch {
                guard let input = item.prepare(features: feed || featureRows, logger: logger) else {
                    rejected += 1
                    continue
                }
                events.append((input.event, input.line, input.features))
            }
            if feed {
                for (event, _, features) in events { engine.ingest(event, features!) }
            }
            self.log.withLock { log in
                guard let log else { return }
                do {
                    for (_, line, _) in events {
                        try log.write(line.utf8)
                        try log.write([UInt8(ascii: "\n")])
                    }
                    try log.flush()
                } catch {
                    logger.error("cannot write the gateway event log", metadata: ["dg.error": "\(error)"])
                }
            }
            return (events, rejected)
        }
        if persist != nil, !events.isEmpty {
            retry.withLock { $0.pending.append(contentsOf: events) }
            await storePending(force: false)
        }
        state.withLock { state in
            state.analyzed += events.count
            state.rejected += rejected
            if !events.isEmpty, loadSnapshot == nil { state.unpublished = true }
        }
    }

    /// Stores what is pending when a try is due. A failure keeps the events (up to the queue's
    /// capacity; beyond it the oldest are dropped and counted) and tries again after a back-off
    /// that doubles from 1 s to 30 s, so that a store or service that comes back gets all of them.
    private func storePending(force: Bool) async {
        guard let persist else { return }
        let now = Self.now()
        let (events, due) = retry.withLock { retry -> ([Analysed], Bool) in
            (retry.pending, !retry.pending.isEmpty && (force || now >= retry.nextTry))
        }
        guard due else { return }
        do {
            try await persist(events)
            let (recovered, left) = retry.withLock { retry -> (Bool, Int) in
                retry.pending.removeFirst(events.count)
                defer { retry.failures = 0 }
                return (retry.failures > 0, retry.pending.count)
            }
            if recovered {
                logger.notice("event store available again; pending exchanges stored", metadata: ["dg.events": "\(events.count)"])
            }
            state.withLock { state in
                state.storeAvailable = true
                state.unstored = left
            }
        } catch {
            let (kept, lost) = retry.withLock { retry -> (Int, Int) in
                retry.failures += 1
                retry.nextTry = now + min(30, Double(1 << min(retry.failures - 1, 5)))
                let excess = max(0, retry.pending.count - configuration.queueCapacity)
                retry.pending.removeFirst(excess)
                return (retry.pending.count, excess)
            }
            logger.error(
                "cannot store gateway events; keeping them to try again",
                metadata: ["dg.error": "\(error)", "dg.events": "\(kept)", "dg.dropped": "\(lost)"])
            state.withLock { state in
                state.storeAvailable = false
                state.unstored = kept
                state.dropped += lost
            }
        }
    }

    struct StoreRetry {
        var pending: [Analysed] = []
        var failures = 0
        var nextTry: Double = 0
    }

    /// Scores every account and publishes what the policy reads.
    func refresh(idle: Bool? = nil) async {
        state.withLock { $0.unpublished = false }
        let snapshot = await engine.run(idle: idle) { engine in
            let result = engine.finish()
            return EnforcementSnapshot(
                result, matcher: engine.templateMatcher(for: result.templates), builtAt: Int64(Date().timeIntervalSince1970 * 1000))
        }
        enforcement.publish(computed: snapshot)
        state.withLock { $0.lastRefresh = Self.now() }
    }

    /// Reads analysts' decisions and, when they changed, publishes the verdicts with them applied.
    /// A failed read keeps the decisions known before (and is logged).
    func reloadDecisions() async {
        guard let loadDecisions else { return }
        lastDecisionLoad.withLock { $0 = Self.now() }
        let decisions: [AnalystDecision]
        do { decisions = try await loadDecisions() } catch {
            logger.error("cannot read analysts' decisions; enforcing with the ones read before", metadata: ["dg.error": "\(error)"])
            return
        }
        let next = DecisionLedger(decisions)
        guard enforcement.publish(ledger: next) else { return }
        logger.info("analysts' decisions applied", metadata: ["dg.decisions": "\(next.count)", "dg.accounts": "\(next.accounts.count)"])
    }

    /// Reads the service's snapshot (`loadSnapshot`) and publishes it. A failed read keeps the
    /// snapshot read before (and is logged); the time since the last good one is `health`'s age.
    func reloadSnapshot() async {
        guard let loadSnapshot else { return }
        lastSnapshotLoad.withLock { $0 = Self.now() }
        let snapshot: EnforcementSnapshot
        do { snapshot = try await loadSnapshot() } catch {
            logger.error("cannot read the service's verdicts; enforcing the ones read before", metadata: ["dg.error": "\(error)"])
            return
        }
        // It carries analysts' decisions already: this mode reads no ledger (`loadDecisions` is nil).
        enforcement.publish(computed: snapshot)
        state.withLock { $0.lastRefresh = Self.now() }
    }

    /// The full analysis (verdicts, clusters, templates), e.g. for a report.
    public func analysis() async -> AnalysisResult {
        await engine.run { $0.finish() }
    }

    private func flushLog() async {
        await engine.run { [self] _ in
            self.log.withLock { log in
                do { try log?.flush() } catch { logger.error("cannot flush the gateway event log", metadata: ["dg.error": "\(error)"]) }
            }
        }
    }

    static func now() -> Double { ProcessInfo.processInfo.systemUptime }
}
