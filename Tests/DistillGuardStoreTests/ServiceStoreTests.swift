import DistillGuardCore
import DistillGuardTesting
import Foundation
import GRDB
import Testing

@testable import DistillGuardStore

/// What `distillguard serve` keeps, run against SQLite and a real PostgreSQL server alike.
struct ServiceStoreTests {
    typealias Backend = EventStoreTests.Backend
    let stores = EventStoreTests()

    static func stored(_ id: String, account: String = "acct_1", at timestamp: String = "2026-02-01T00:00:00Z") -> StoredEvent {
        EventStoreTests.stored(id, account: account, at: timestamp)
    }

    @Test(arguments: Backend.allCases)
    func sequenceNumbersFollowCommitOrderAndSkipDuplicates(backend: Backend) async throws {
        try await stores.withStore(backend) { store in
            _ = try await store.insert([Self.stored("a"), Self.stored("b")])
            _ = try await store.insert([Self.stored("b"), Self.stored("c"), Self.stored("c")])
            let all = try await store.events(after: 0, limit: 100)
            #expect(all.map(\.event.id) == ["a", "b", "c"])
            #expect(zip(all, all.dropFirst()).allSatisfy { $0.sequence < $1.sequence })
            let rest = try await store.events(after: all[0].sequence, limit: 1)
            #expect(rest.map(\.event.id) == ["b"])
            #expect(try await store.eventCount(after: all[0].sequence) == 2)
            #expect(try await store.eventCount(after: all[2].sequence) == 0)
        }
    }

    @Test(arguments: Backend.allCases)
    func aCheckpointIsReplacedWhole(backend: Backend) async throws {
        try await stores.withStore(backend) { store in
            #expect(try await store.checkpoint() == nil)
            let first = EngineCheckpoint(sequence: 10, savedAt: Timestamp(milliseconds: 1000), state: [1, 2, 3, 0, 255], verdicts: "{}")
            try await store.save(first)
            #expect(try await store.checkpoint() == first)
            let second = EngineCheckpoint(
                sequence: 20, savedAt: Timestamp(milliseconds: 2000), state: Array(repeating: 7, count: 100_000),
                verdicts: #"{"accounts":[]}"#)
            try await store.save(second)
            #expect(try await store.checkpoint() == second)
        }
    }

    @Test(arguments: Backend.allCases)
    func retentionKeepsEvidenceAndTheWindowAndNothingUnanalyzed(backend: Backend) async throws {
        try await stores.withStore(backend) { store in
            var events: [StoredEvent] = []
            for day in 1...9 {
                events.append(Self.stored("flagged-\(day)", account: "flagged", at: "2026-02-0\(day)T00:00:00Z"))
                events.append(Self.stored("plain-\(day)", account: "plain", at: "2026-02-0\(day)T00:00:00Z"))
            }
            _ = try await store.insert(events)
            let all = try await store.events(after: 0, limit: 100)
            let analyzedThrough = all[13].sequence  // everything up to day 7 has been analyzed and checkpointed
            let pruned = try await store.applyRetention(
                evidenceAccounts: ["flagged"], perAccount: 2, throughSequence: analyzedThrough,
                before: Timestamp(rfc3339: "2026-02-06T00:00:00Z")!)
            let withText = Set(try await store.events(after: 0, limit: 100).filter { !$0.event.line.isEmpty }.map(\.event.id))
            #expect(withText.contains("flagged-9") && withText.contains("flagged-8"), "the two newest flagged events are evidence")
            #expect(withText.isSuperset(of: ["plain-6", "plain-7"]), "inside the window")
            #expect(withText.isSuperset(of: ["plain-8", "plain-9"]), "not analyzed yet")
            #expect(!withText.contains("plain-1") && !withText.contains("flagged-1"))
            #expect(pruned == 10, "days 1–5 of both accounts lose their text")
            let summary = try await store.retentionSummary()
            #expect(summary == RetentionSummary(events: 18, withText: 8, evidence: 2))
            let again = try await store.applyRetention(
                evidenceAccounts: ["flagged"], perAccount: 2, throughSequence: analyzedThrough,
                before: Timestamp(rfc3339: "2026-02-06T00:00:00Z")!)
            #expect(again == 0)
            #expect(try await store.retentionSummary().evidence == 2, "evidence is not marked twice")
            let samples = try await store.samples(account: "flagged", limit: 3)
            #expect(samples.map(\.id) == ["flagged-9", "flagged-8", "flagged-7"], "evidence first, then the newest")
            let recent = try await store.recentEvents(account: "plain", limit: 2)
            #expect(recent.map(\.id) == ["plain-9", "plain-8"])
            #expect(try await store.eventCount() == 18, "compact rows stay")
            #expect(try await store.insert([Self.stored("plain-1", account: "plain")]) == [false], "and still make ingest idempotent")
        }
    }

    @Test(arguments: Backend.allCases)
    func decisionsHistoryAndTrafficRoundTrip(backend: Backend) async throws {
        try await stores.withStore(backend) { store in
            let decision = AnalystDecision(
                subject: .cluster, subjectID: "cluster-0001", ruling: .confirmed, analyst: "Zoë \"QA\"", note: "same card, same template",
                decidedAt: Timestamp(milliseconds: 1_700_000_000_000), accounts: ["a", "b, with comma"])
            let stored = try await store.record(decision)
            #expect(stored.id != nil)
            let second = try await store.record(
                AnalystDecision(
                    subject: .account, subjectID: "c", ruling: .dismissed, analyst: "bob", decidedAt: Timestamp(milliseconds: 1),
                    accounts: ["c"]))
            #expect(try await store.decisions() == [stored, second])

            let hour = Timestamp(rfc3339: "2026-02-01T05:00:00Z")!
            try await store.record(HistoryPoint(hour: hour, events: 10, accounts: 3, review: 1, attack: 0, clusters: 0))
            try await store.record(HistoryPoint(hour: hour, events: 20, accounts: 4, review: 1, attack: 1, clusters: 1))
            try await store.record(
                HistoryPoint(hour: hour.adding(seconds: 3600), events: 30, accounts: 5, review: 1, attack: 2, clusters: 1))
            let history = try await store.history(limit: 10)
            #expect(history.map(\.events) == [20, 30], "the last write of an hour stays")

            _ = try await store.insert([
                Self.stored("1", at: "2026-02-01T05:10:00Z"), Self.stored("2", at: "2026-02-01T05:50:00Z"),
                Self.stored("3", at: "2026-02-01T07:00:00Z"), Self.stored("3", at: "2026-02-01T07:00:00Z"),
            ])
            let traffic = try await store.traffic(limit: 10)
            #expect(traffic == [TrafficPoint(hour: hour, events: 2), TrafficPoint(hour: hour.adding(seconds: 7200), events: 1)])
        }
    }

    @Test func hourBoundaries() {
        #expect(HistoryPoint.hour(of: Timestamp(rfc3339: "2026-02-01T05:59:59.999Z")!) == Timestamp(rfc3339: "2026-02-01T05:00:00Z")!)
        #expect(HistoryPoint.hour(of: Timestamp(milliseconds: -1)) == Timestamp(milliseconds: -3_600_000))
    }

    @Test func aStoreLocationNeverPrintsThePassword() {
        #expect(StoreLocation("postgres://dg:s3cret@db.internal:5432/dg").description == "PostgreSQL postgres://dg@db.internal:5432/dg")
        #expect(StoreLocation("data/distillguard.sqlite") == .sqlite(path: "data/distillguard.sqlite"))
    }

    @Test func migratingAnEarlierSQLiteDatabaseKeepsItsEvents() async throws {
        // A database written before the service existed (migration v1 only) gains sequence numbers in insertion order.
        let directory = TemporaryDirectory()
        let path = directory.file("old.sqlite")
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteEventStore.migrator.migrate(pool, upTo: "v1-events")
            try await pool.write { db in
                for id in ["x", "y", "z"] {
                    let event = Self.stored(id)
                    try db.execute(
                        sql: "INSERT INTO event (id, timestamp_ms, account_id, api, model, line) VALUES (?, ?, ?, ?, ?, ?)",
                        arguments: [event.id, event.timestamp.milliseconds, event.accountID, event.api, event.model, event.line])
                }
            }
        }
        let store = try SQLiteEventStore(path: path)
        #expect(try await store.events(after: 0, limit: 10).map(\.event.id) == ["x", "y", "z"])
        #expect(try await store.traffic(limit: 10).map(\.events) == [3])
        _ = try await store.insert([Self.stored("w")])
        #expect(try await store.events(after: 0, limit: 10).map(\.event.id) == ["x", "y", "z", "w"])
    }
}
