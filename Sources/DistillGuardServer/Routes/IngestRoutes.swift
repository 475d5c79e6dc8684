import DistillGuardCore
import DistillGuardStore
import Hummingbird
import Synchronization

/// `POST /v1/events`: stores a JSON Lines batch of contract events and answers with a result for
/// every line (`accepted`, `duplicate`, `rejected` with code, field and reason, or `blank`).
///
/// - Idempotent by event id: a batch sent again (say, after a timeout) stores nothing twice.
/// - A response means the accepted lines are durably stored (one transaction per batch). A batch
///   the store does not take (disk full, database locked, file removed) gets 503 with Retry-After
///   and none of its lines is stored.
/// - Back-pressure: 429 with Retry-After while analysis is behind by more than the configured
///   backlog, or while too many batches are being written at once. Nothing is queued in memory.
/// - Needs `Authorization: Bearer INGEST_KEY`.
final class IngestRoutes: Sendable {
    let store: any ServiceStore
    let follower: AnalysisFollower
    let access: AccessControl
    let metrics: MetricsRegistry
    let maximumBodyBytes: Int
    let maximumConcurrentBatches: Int
    let inFlight = Mutex(0)

    init(
        store: any ServiceStore, follower: AnalysisFollower, access: AccessControl, metrics: MetricsRegistry, maximumBodyBytes: Int,
        maximumConcurrentBatches: Int
    ) {
        self.store = store
        self.follower = follower
        self.access = access
        self.metrics = metrics
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumConcurrentBatches = maximumConcurrentBatches
    }

    func register(on router: Router<some RequestContext>) {
        metrics.describe(
            "dg_ingest_lines_total", type: "counter", help: "Ingested lines, by result.",
            series: [["result": "accepted"], ["result": "duplicate"], ["result": "rejected"]])
        metrics.describe(
            "dg_ingest_throttled_total", type: "counter", help: "Ingest requests answered 429, by cause.",
            series: [["cause": "backlog"], ["cause": "concurrency"]])
        metrics.describe(
            "dg_ingest_store_failures_total", type: "counter",
            help: "Ingest batches the event store did not take (answered 503; none of their lines stored).")
        router.post("/v1/events") { [self] request, _ -> Response in
            try access.requireIngestKey(request)
            if follower.backlog >= follower.settings.maximumBacklog {
                metrics.increment("dg_ingest_throttled_total", ["cause": "backlog"])
                throw APIError(
                    .tooManyRequests, code: "backlog_full",
                    "analysis is \(follower.backlog) events behind (limit \(follower.settings.maximumBacklog)); retry later",
                    retryAfterSeconds: follower.retryAfterSeconds)
            }
            let admitted = inFlight.withLock { count in
                guard count < maximumConcurrentBatches else { return false }
                count += 1
                return true
            }
            guard admitted else {
                metrics.increment("dg_ingest_throttled_total", ["cause": "concurrency"])
                throw APIError(
                    .tooManyRequests, code: "too_many_batches",
                    "\(maximumConcurrentBatches) batches are being stored already; retry shortly", retryAfterSeconds: 1)
            }
            defer { inFlight.withLock { $0 -= 1 } }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: maximumBodyBytes)
            } catch {
                throw APIError(.contentTooLarge, code: "body_too_large", "request body exceeds \(maximumBodyBytes) bytes; split the batch")
            }
            guard body.readableBytes > 0 else { throw APIError.emptyBatch }
            return .json(try await ingest(body))
        }
    }

    /// Stores one event the decision API was asked to record. False when it was not stored (analysis
    /// too far behind, an id stored before, the store unavailable): the decision stands either way.
    func record(_ event: Event, line: String) async -> Bool {
        guard follower.backlog < follower.settings.maximumBacklog else {
            metrics.increment("dg_ingest_throttled_total", ["cause": "backlog"])
            return false
        }
        follower.stored(1)
        let new: Bool
        do { new = try await store.insert([StoredEvent(event, line: line, features: ExchangeFeatures(event))]).first == true } catch {
            follower.stored(-1)
            follower.ingestFailed(error)
            metrics.increment("dg_ingest_store_failures_total")
            return false
        }
        follower.ingestFailed(nil)
        if !new { follower.stored(-1) }
        metrics.increment("dg_ingest_lines_total", ["result": new ? "accepted" : "duplicate"])
        return new
    }

    func ingest(_ body: ByteBuffer) async throws -> JSONValue {
        var results: [(line: Int, result: LineResult)] = []
        var events: [StoredEvent] = []
        var eventLines: [Int] = []
        body.withUnsafeReadableBytes { bytes in
            EventBatch.decode(bytes) { number, raw, result in
                switch result {
                case .success(let event)?:
                    let content = EventLine.content(of: raw) ?? raw
                    // The per-exchange work of analysis runs here, on the replica that takes the
                    // batch: the analysing replica reads the feature row instead of the line.
                    events.append(StoredEvent(event, line: String(decoding: content, as: UTF8.self), features: ExchangeFeatures(event)))
                    eventLines.append(results.count)
                    results.append((number, .accepted(id: event.id)))
                case .failure(let rejection)?:
                    results.append((number, .rejected(rejection)))
                case nil:
                    results.append((number, .blank))
                }
            }
        }
        // Counted as waiting before they are stored: analysis can read them as soon as they are
        // committed, before this request resumes, and must never find them uncounted (a backlog
        // that never drains). Duplicates and a failed write are taken back afterwards.
        follower.stored(events.count)
        let inserted: [Bool]
        do { inserted = try await store.insert(events) } catch {
            follower.stored(-events.count)
            follower.ingestFailed(error)
            metrics.increment("dg_ingest_store_failures_total")
            throw APIError(
                .serviceUnavailable, code: "store_unavailable",
                "the event store did not take the batch (\(error)); none of its lines is stored: send it again", retryAfterSeconds: 5)
        }
        follower.ingestFailed(nil)
        for (index, new) in inserted.enumerated() where !new { results[eventLines[index]].result = .duplicate(id: events[index].id) }
        let accepted = inserted.filter { $0 }.count
        let rejected = results.filter { if case .rejected = $0.result { true } else { false } }.count
        follower.stored(accepted - events.count)
        metrics.increment("dg_ingest_lines_total", by: Double(accepted), ["result": "accepted"])
        metrics.increment("dg_ingest_lines_total", by: Double(events.count - accepted), ["result": "duplicate"])
        metrics.increment("dg_ingest_lines_total", by: Double(rejected), ["result": "rejected"])
        return [
            "accepted": .int(Int64(accepted)), "duplicates": .int(Int64(events.count - accepted)), "rejected": .int(Int64(rejected)),
            "lines": .array(results.map { $0.result.json(line: $0.line) }),
        ]
    }
}
