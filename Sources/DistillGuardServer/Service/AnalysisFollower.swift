import DistillGuardCore
import DistillGuardStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Follows the event table as a queue: reads what was stored after the last event it analyzed,
/// feeds the detection engine, publishes verdicts, and checkpoints the engine's state so that a
/// restart (even after SIGKILL) resumes exactly after the last checkpoint.
///
/// Ingest only stores; analysis never holds up an ingest request. Events stored by anything else
/// that writes the same database (a gateway with `analysis.store`) are analyzed the same way.
public final class AnalysisFollower: Service, Sendable {
    /// What the console and admin API read; replaced whole after every refresh.
    public struct View: Sendable {
        public var result: AnalysisResult?
        public var ledger = DecisionLedger()
        public var decisions: [AnalystDecision] = []
        /// The sequence number of the last event analyzed.
        public var processedSequence: Int64 = 0
        public var checkpointSequence: Int64 = 0
        public var checkpointSavedAt: Timestamp?
        public var refreshedAt: Timestamp?
        public var running = false
        /// Why the last analysis round failed (reads, checkpoint), nil once one succeeds.
        public var storeError: String?
        /// Why the store did not take the last ingest batch, nil once one is stored.
        public var ingestError: String?
        /// Whether this replica analyses (`leader`, or `single` without a lease) or follows the
        /// leader's checkpoints (`standby`).
        public var role = AnalysisRole.single
        /// The replica that holds the analysis lease, when the store has one.
        public var leader: String?
    }

    /// What a replica does in analysis (docs/deployment.md).
    public enum AnalysisRole: String, Sendable {
        /// The only analyser of its store (SQLite: one process per file).
        case single
        /// Holds the PostgreSQL analysis lease: follows the event table, checkpoints, applies retention.
        case leader
        /// Another replica leads: this one answers from the leader's latest checkpoint.
        case standby
    }

    struct Counters {
        /// Stored events not yet analyzed (as far as this process knows: ingested here, or found at start).
        var backlog = 0
        var analyzed = 0
        var rejected = 0
        /// How fast the backlog clears, for Retry-After.
        var drain = DrainRate()
    }

    let store: any ServiceStore
    let settings: AnalysisSettings
    let metrics: MetricsRegistry
    let logger: Logger
    private let published = Mutex(View())
    /// What `POST /v1/decide` reads: the last refresh's verdicts and flagged templates, with
    /// analysts' decisions applied.
    private let enforcement = EnforcementPublisher()
    private let counters = Mutex(Counters())
    /// The engine on its own thread (`EngineThread`): decoding, scoring, linking and snapshots run
    /// there, never on the threads that answer HTTP requests; `restore` replaces it.
    private let engine = EngineThread(DetectionEngine())
    private let restored = Mutex(false)
    /// The analysis lease while this replica holds it (checkpoints are written under it).
    private let held = Mutex<AnalysisLease?>(nil)
    /// Reads of analysts' decisions, so that a slow one never undoes a newer one (`DecisionReads`).
    private let decisionReads = Mutex(DecisionReads())
    /// Callers of `drain()`, and how far the published verdicts reach (a sequence number).
    private let drains = DrainWaiters()

    public init(store: any ServiceStore, settings: AnalysisSettings, metrics: MetricsRegistry, logger: Logger) {
        self.store = store
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        metrics.describe("dg_ingest_backlog", type: "gauge", help: "Stored events waiting for analysis.")
        metrics.describe("dg_events_analyzed_total", type: "counter", help: "Events the engine has analyzed since start.")
        metrics.describe("dg_events_unreadable_total", type: "counter", help: "Stored events analysis could not decode.")
        metrics.describe("dg_checkpoints_total", type: "counter", help: "Engine checkpoints saved.")
        metrics.describe("dg_raw_text_pruned_total", type: "counter", help: "Events whose raw text retention removed.")
        metrics.describe(
            "dg_flagged_accounts", type: "gauge", help: "Accounts at review or attack, by verdict.",
            series: [["verdict": "review"], ["verdict": "attack"]])
    }

    public var view: View { published.withLock { $0 } }

    /// The verdicts and flagged templates the policy reads, analysts' decisions applied.
    public var snapshot: EnforcementSnapshot { enforcement.snapshot }

    /// Stored events waiting for analysis.
    public var backlog: Int { counters.withLock { $0.backlog } }

    /// Seconds a client should wait before retrying when the backlog is full: until analysis, at
    /// the rate it clears the backlog now, has brought it under the limit.
    var retryAfterSeconds: Int {
        counters.withLock { $0.drain.retryAfterSeconds(backlog: $0.backlog, limit: settings.maximumBacklog) }
    }

    /// Called by ingest with the events it is about to store, and again (negative) with those it
    /// did not store after all (duplicates, a failed write).
    func stored(_ count: Int) {
        let backlog = counters.withLock { c in
            c.backlog = max(c.backlog + count, 0)
            return c.backlog
        }
        metrics.set("dg_ingest_backlog", Double(backlog))
    }

    /// Notes whether the store took the last ingest batch (`nil`) or why not, for `/health`.
    func ingestFailed(_ error: (any Error)?) {
        let description = error.map { "\($0)" }
        published.withLock { view in
            if view.ingestError != description { view.ingestError = description }
        }
    }

    /// Records an analyst's decision and applies it to the published view at once.
    public func record(_ decision: AnalystDecision) async throws -> AnalystDecision {
        let stored = try await store.record(decision)
        let read = try await readDecisions()
        published.withLock { _ = apply(read, to: &$0) }
        publishEnforcement(nil)
        return stored
    }

    /// Returns once every event stored before the call (on any replica) is analysed and in the
    /// published verdicts. The leader (or the only analyser) publishes at once for it rather than at
    /// its next refresh (`settings.refreshSeconds`); a standby returns once it has restored a checkpoint of the
    /// leader's that covers those events. Returns at once when the analysis loop does not run
    /// (`run()` not started yet, or ended) or when the calling task is cancelled; throws when the
    /// store cannot be read.
    public func drain() async throws {
        await drains.wait(through: try await store.latestSequence())
    }

    /// Restores the engine from the last checkpoint and publishes its verdicts, so that the HTTP
    /// service, started after this, never shows an empty analysis while a checkpoint exists.
    public func prepare() async throws {
        try await restore()
        // With a lease, a replica leads only once it has claimed it (its first analysis round).
        if store is any AnalysisLeaseStore { published.withLock { $0.role = .standby } }
    }

    public func run() async throws {
        drains.open()
        defer { drains.close() }
        if !restored.withLock({ $0 }) { try await restore() }
        let leases = store as? any AnalysisLeaseStore
        if leases != nil { published.withLock { $0.role = .standby } }
        var sequence = published.withLock { $0.processedSequence }
        var lastRefresh = Date.distantPast
        var lastCheckpoint = Date()
        var sinceCheckpoint = 0
        var dirty = false
        // The term this loop leads in; nil while it follows.
        var leadingTerm: Int64?
        // Renewal runs beside the rounds, so that a leader whose round (a refresh of many
        // accounts, a large checkpoint) outlasts the lease keeps it for as long as it is alive.
        let renewal = leases.map { leases in Task { await renewWhileLeading(leases) } }
        defer { renewal?.cancel() }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let started = ProcessInfo.processInfo.systemUptime
                if let leases, held.withLock({ $0 }) == nil {
                    let lease = try await leases.claimLease(
                        holder: settings.replicaID, seconds: settings.leaseSeconds, processedSequence: sequence)
                    if lease.holder == settings.replicaID {
                        // The same term: no other replica held the lease in between, so the
                        // engine's work since the last checkpoint is still this term's.
                        if lease.term != leadingTerm {
                            try await lead(lease, store: leases)
                            sequence = published.withLock { $0.processedSequence }
                            (lastRefresh, lastCheckpoint, sinceCheckpoint, dirty) = (.distantPast, Date(), 0, false)
                        }
                        leadingTerm = lease.term
                        held.withLock { $0 = lease }
                        try await reloadDecisions()
                    } else {
                        if leadingTerm != nil {
                            logger.warning(
                                "lost the analysis lease; following the new leader as a standby",
                                metadata: ["dg.leader": "\(lease.holder)", "dg.term": "\(lease.term)"])
                        }
                        try await follow(lease, store: leases, discardingOwnWork: leadingTerm != nil)
                        leadingTerm = nil
                        sequence = published.withLock { $0.processedSequence }
                        published.withLock { $0.storeError = nil }
                        try? await Task.sleep(for: .seconds(Self.standbyInterval))
                        continue
                    }
                }
                counters.withLock { $0.drain.begin(at: started) }
                let batch = try await store.events(after: sequence, limit: settings.batchSize)
                if !batch.isEmpty {
                    sequence = try await analyze(batch)
                    sinceCheckpoint += batch.count
                    dirty = true
                    counters.withLock { $0.drain.finished(batch.count, at: ProcessInfo.processInfo.systemUptime) }
                }
                let caughtUp = batch.count < settings.batchSize
                if caughtUp { counters.withLock { $0.drain.caughtUp() } }
                let checkpointDue =
                    sinceCheckpoint > 0
                    && (sinceCheckpoint >= settings.checkpointEvents
                        || Date().timeIntervalSince(lastCheckpoint) >= settings.checkpointSeconds)
                // Scoring everyone costs far more than a batch: at most every refreshSeconds (the
                // first one at once), however small and frequent the batches are, unless a caller
                // of `drain()` waits.
                if dirty, checkpointDue || drains.isWaiting || Date().timeIntervalSince(lastRefresh) >= settings.refreshSeconds {
                    try await refresh()
                    lastRefresh = Date()
                    dirty = false
                }
                if checkpointDue {
                    try await checkpoint(sequence: sequence)
                    lastCheckpoint = Date()
                    sinceCheckpoint = 0
                }
                published.withLock { $0.storeError = nil }
                if caughtUp { try? await Task.sleep(for: .milliseconds(50)) }
            } catch is CancellationError where Task.isCancelled {
                break
            } catch let lost as LeaseLost {
                // Claimed again in the next round: another replica leads now (its checkpoint, not
                // this replica's work, is the truth), or the lease only ran out and is taken back.
                logger.warning("\(lost.description)")
                held.withLock { $0 = nil }
            } catch {
                logger.error("analysis round failed; retrying", metadata: ["dg.error": "\(error)"])
                published.withLock { $0.storeError = "\(error)" }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        if leases != nil, held.withLock({ $0 }) == nil {
            // A standby has nothing of its own to save.
            published.withLock { $0.running = false }
            return
        }
        // Graceful shutdown: ingest has stopped first (it runs after this in the service group);
        // what it stored is analyzed, within a bounded time, before the last checkpoint.
        let deadline = Date().addingTimeInterval(20)
        do {
            while Date() < deadline {
                let batch = try await store.events(after: sequence, limit: settings.batchSize)
                if batch.isEmpty { break }
                sequence = try await analyze(batch)
                sinceCheckpoint += batch.count
            }
            if sinceCheckpoint > 0 {
                try await refresh()
                try await checkpoint(sequence: sequence)
            }
            logger.info("analysis stopped", metadata: ["dg.sequence": "\(sequence)"])
        } catch {
            logger.error(
                "the last checkpoint could not be saved; the next start resumes from the one before",
                metadata: ["dg.error": "\(error)"])
        }
        // Renewal stops before the lease is given up, or it could take the lease straight back.
        renewal?.cancel()
        await renewal?.value
        held.withLock { $0 = nil }
        if let leases, !Task.isCancelled {
            // A standby takes over at once instead of waiting for the lease to run out. (Cancelled,
            // the store cannot be reached any more: the lease runs out instead.)
            do { try await leases.releaseLease(holder: settings.replicaID) } catch {
                logger.error("cannot give up the analysis lease; a standby takes over when it expires", metadata: ["dg.error": "\(error)"])
            }
        }
        published.withLock { $0.running = false }
    }

    /// How often a standby looks for a new checkpoint and tries to take the lease (seconds).
    static let standbyInterval = 1.0

    /// Renews the lease every quarter of its length while this replica holds it, with how far
    /// analysis has got (a standby's backlog), and reads analysts' decisions made on any replica.
    /// A renewal that finds another holder or a new term gives the lease up here; the next round
    /// follows the new leader (or leads again, from the latest checkpoint).
    func renewWhileLeading(_ leases: any AnalysisLeaseStore) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(settings.leaseSeconds / 4))
            guard let current = held.withLock({ $0 }) else { continue }
            do {
                let lease = try await leases.claimLease(
                    holder: settings.replicaID, seconds: settings.leaseSeconds,
                    processedSequence: published.withLock { $0.processedSequence })
                guard lease.holder == settings.replicaID, lease.term == current.term else {
                    held.withLock { if $0?.term == current.term { $0 = nil } }
                    logger.warning(
                        "the analysis lease passed to another replica",
                        metadata: ["dg.leader": "\(lease.holder)", "dg.term": "\(lease.term)"])
                    continue
                }
                try await reloadDecisions()
            } catch {
                // Retried at the next quarter; if the lease runs out meanwhile, fenced writes fail.
                logger.error("cannot renew the analysis lease", metadata: ["dg.error": "\(error)"])
            }
        }
    }

    /// Becomes the leader of `lease`'s term: resumes from the latest checkpoint unless the engine
    /// already holds exactly it (work done after it in an earlier term is not this term's).
    func lead(_ lease: AnalysisLease, store leases: any AnalysisLeaseStore) async throws {
        let latest = try await leases.checkpointSequence()
        let view = published.withLock { $0 }
        if latest != view.checkpointSequence || view.processedSequence != view.checkpointSequence {
            try await restore()
        }
        logger.notice(
            "leading analysis", metadata: ["dg.term": "\(lease.term)", "dg.sequence": "\(published.withLock { $0.processedSequence })"])
        published.withLock { view in
            view.role = .leader
            view.leader = lease.holder
        }
    }

    /// One standby round: shows the leader's latest checkpoint (restoring the engine from it when
    /// it is new, or when this replica's own work since its last checkpoint must be dropped), the
    /// backlog behind the leader, and analysts' decisions made on any replica.
    func follow(_ lease: AnalysisLease, store leases: any AnalysisLeaseStore, discardingOwnWork: Bool) async throws {
        let latest = try await leases.checkpointSequence()
        let view = published.withLock { $0 }
        if discardingOwnWork || latest != view.checkpointSequence || view.processedSequence != view.checkpointSequence {
            try await restore(quietly: !discardingOwnWork)
        }
        published.withLock { view in
            view.role = .standby
            view.leader = lease.holder
        }
        let backlog = try await store.eventCount(after: lease.processedSequence)
        counters.withLock { $0.backlog = backlog }
        metrics.set("dg_ingest_backlog", Double(backlog))
        try await reloadDecisions()
    }

    /// Reads analysts' decisions (recorded on any replica) and applies them when they changed.
    func reloadDecisions() async throws {
        let read = try await readDecisions()
        if published.withLock({ apply(read, to: &$0) }) { publishEnforcement(nil) }
    }

    /// Reads analysts' decisions, numbered as the read begins (`DecisionReads`).
    private func readDecisions() async throws -> (ticket: Int, decisions: [AnalystDecision]) {
        let ticket = decisionReads.withLock { $0.begin() }
        return (ticket, try await store.decisions())
    }

    /// Puts `read` on `view` unless a read that began after it was applied first; returns whether
    /// the decisions on `view` changed.
    private func apply(_ read: (ticket: Int, decisions: [AnalystDecision]), to view: inout View) -> Bool {
        guard decisionReads.withLock({ $0.accept(read.ticket) }), view.decisions != read.decisions else { return false }
        view.decisions = read.decisions
        view.ledger = DecisionLedger(read.decisions)
        return true
    }

    /// Restores the engine as of the last checkpoint (or starts a new one) and publishes the view it implies.
    func restore(quietly: Bool = false) async throws {
        let checkpoint = try await store.checkpoint()
        let settings = settings
        let (events, result, matcher) = try await engine.run { engine in
            var loaded = DetectionEngine(model: settings.model)
            if let checkpoint { loaded = try DetectionEngine(snapshot: checkpoint.state, model: settings.model) }
            loaded.compliance = settings.compliance
            let result = loaded.events > 0 ? loaded.finish() : nil
            let matcher = result.map { loaded.templateMatcher(for: $0.templates) }
            engine = loaded
            return (loaded.events, result, matcher)
        }
        if let checkpoint {
            logger.log(
                level: quietly ? .debug : .info, "resuming from checkpoint",
                metadata: ["dg.sequence": "\(checkpoint.sequence)", "dg.events": "\(events)", "dg.saved_at": "\(checkpoint.savedAt)"])
        }
        let sequence = checkpoint?.sequence ?? 0
        let backlog = try await store.eventCount(after: sequence)
        counters.withLock { $0.backlog = backlog }
        let decisions = try await readDecisions()
        published.withLock { view in
            view.result = result
            _ = apply(decisions, to: &view)
            view.processedSequence = sequence
            view.checkpointSequence = sequence
            view.checkpointSavedAt = checkpoint?.savedAt
            view.refreshedAt = result == nil ? nil : Self.now()
            view.running = true
        }
        restored.withLock { $0 = true }
        metrics.set("dg_ingest_backlog", Double(backlog))
        if let result { publishFlagged(result) }
        // Analysts' decisions are enforced from the start, with or without verdicts.
        publishEnforcement(result.map { EnforcementSnapshot($0, matcher: matcher ?? TemplateMatcher(), builtAt: Self.milliseconds()) })
        drains.reach(sequence)
    }

    /// Feeds a batch to the engine; returns the last sequence number.
    func analyze(_ batch: [SequencedEvent]) async throws -> Int64 {
        let logger = logger
        let unreadable = await engine.run { engine in
            var unreadable = 0
            for item in batch {
                guard let input = EngineInput.stored(item.event).prepare(features: true, logger: logger), let features = input.features
                else {
                    unreadable += 1
                    continue
                }
                engine.ingest(input.event, features)
            }
            return unreadable
        }
        let backlog = counters.withLock { c in
            c.backlog = max(c.backlog - batch.count, 0)
            c.analyzed += batch.count - unreadable
            c.rejected += unreadable
            return c.backlog
        }
        metrics.increment("dg_events_analyzed_total", by: Double(batch.count - unreadable))
        if unreadable > 0 { metrics.increment("dg_events_unreadable_total", by: Double(unreadable)) }
        metrics.set("dg_ingest_backlog", Double(backlog))
        let last = batch.last!.sequence
        published.withLock { $0.processedSequence = last }
        return last
    }

    /// Scores everyone, publishes the result and records this hour's counts.
    func refresh() async throws {
        let rejected = counters.withLock { $0.rejected }
        // The loop that calls this is the only one that analyses: everything up to here is in the result.
        let through = published.withLock { $0.processedSequence }
        let (result, matcher) = await engine.run { engine in
            let result = engine.finish(eventsRejected: rejected)
            return (result, engine.templateMatcher(for: result.templates))
        }
        published.withLock { view in
            view.result = result
            view.refreshedAt = Self.now()
        }
        publishEnforcement(EnforcementSnapshot(result, matcher: matcher, builtAt: Self.milliseconds()))
        drains.reach(through)
        let (review, attack) = publishFlagged(result)
        if let end = result.logEnd {
            try await store.record(
                HistoryPoint(
                    hour: HistoryPoint.hour(of: end), events: result.eventsAnalyzed, accounts: result.accountsAnalyzed, review: review,
                    attack: attack, clusters: result.clusters.count))
        }
    }

    /// Publishes `computed` (nil: the verdicts published before) with the analysts' decisions on
    /// the view now (`EnforcementPublisher` keeps the newest of both).
    private func publishEnforcement(_ computed: EnforcementSnapshot?) {
        enforcement.publish(ledger: published.withLock { $0.ledger })
        if let computed { enforcement.publish(computed: computed) }
    }

    /// Sets `dg_flagged_accounts` from `result`; returns the counts (review, attack).
    @discardableResult
    private func publishFlagged(_ result: AnalysisResult) -> (review: Int, attack: Int) {
        let review = result.accounts.filter { $0.verdict == .review }.count
        let attack = result.accounts.filter { $0.verdict == .attack }.count
        metrics.set("dg_flagged_accounts", Double(review), ["verdict": "review"])
        metrics.set("dg_flagged_accounts", Double(attack), ["verdict": "attack"])
        return (review, attack)
    }

    /// Saves the engine's state with the sequence it covers and the verdicts of the last refresh
    /// (made after the last event), then applies retention to what it covers.
    func checkpoint(sequence: Int64) async throws {
        guard let result = published.withLock({ $0.result }) else { return }
        let (state, verdicts) = try await engine.run { engine in
            var writer = JSONWriter()
            writer.write(result.json)
            return (try engine.snapshot(), String(decoding: writer.bytes, as: UTF8.self))
        }
        let saved = EngineCheckpoint(sequence: sequence, savedAt: Self.now(), state: state, verdicts: verdicts)
        if let leases = store as? any AnalysisLeaseStore {
            guard let lease = held.withLock({ $0 }) else { throw LeaseLost(holder: settings.replicaID, term: 0) }
            try await leases.save(saved, holding: lease)
        } else {
            try await store.save(saved)
        }
        metrics.increment("dg_checkpoints_total")
        let ledger = published.withLock { view in
            view.checkpointSequence = sequence
            view.checkpointSavedAt = saved.savedAt
            return view.ledger
        }
        guard let end = result.logEnd else { return }
        let evidence = Set(result.accounts.map(\.accountID)).union(
            ledger.accounts.filter { $0.value.ruling == .confirmed }.map(\.key))
        let pruned = try await store.applyRetention(
            evidenceAccounts: evidence.sorted(), perAccount: settings.evidencePerAccount, throughSequence: sequence,
            before: end.adding(seconds: -settings.rawRetentionHours * 3600))
        if pruned > 0 {
            metrics.increment("dg_raw_text_pruned_total", by: Double(pruned))
            logger.info("raw text past the retention window removed", metadata: ["dg.events": "\(pruned)"])
        }
    }

    static func now() -> Timestamp { Timestamp(seconds: Date().timeIntervalSince1970) }

    static func milliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
