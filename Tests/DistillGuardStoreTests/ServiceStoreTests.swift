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
            #expect(try await store.latestSequence() == 0, "no event stored yet")
            _ = try await store.insert([Self.stored("a"), Self.stored("b")])
            _ = try await store.insert([Self.stored("b"), Self.stored("c"), Self.stored("c")])
            let all = try await store.events(after: 0, limit: 100)
            #expect(try await store.latestSequence() == all[2].sequence)
            #expect(all.map(\.event.id) == ["a", "b", "c"])
            #expect(zip(all, all.dropFirst()).allSatisfy { $0.sequence < $1.sequence })
            let rest = try await store.events(after: all[0].sequence, limit: 1)
            #expect(rest.map(\.event.id) == ["b"])
            #expect(try await store.eventCount(after: all[0].sequence) == 2)
            #expect(try await store.eventCount(after: all[2].sequence) == 0)
        }
    }

    /// Events stored with their feature row are read back for analysis as the row alone (no line);
    /// events without one (a gateway's) with their line; retention prunes rows with the raw text.
    @Test(arguments: Backend.allCases)
    func featureRowsAreReadInsteadOfLinesAndPrunedWithTheText(backend: Backend) async throws {
        try await stores.withStore(backend) { store in
            let line = EventFixtures.minimal(id: "with-row", account: "acct_1", timestamp: "2026-02-01T00:00:00Z")
            let event = try EventDecoder.decode(line: line)
            let withRow = StoredEvent(event, line: line, features: ExchangeFeatures(event))
            let row = try #require(withRow.features)
            _ = try await store.insert([withRow, Self.stored("plain", at: "2026-02-01T00:00:01Z")])
            let read = try await store.events(after: 0, limit: 10)
            #expect(read.map(\.event.id) == ["with-row", "plain"])
            #expect(read[0].event.features == row, "the row comes back byte for byte")
            #expect(read[0].event.line.isEmpty, "and the line stays in the database")
            #expect(read[1].event.features == nil && !read[1].event.line.isEmpty)
            let decoded = try row.withUnsafeBytes { try FeatureRow.decode($0) }
            #expect(decoded.event.accountID == "acct_1" && decoded.event.id == "with-row")
            // A row of another layout (written by another version during a rolling upgrade) comes
            // with its line, which analysis reads instead.
            var otherLayout = withRow
            otherLayout.id = "other-layout"
            otherLayout.features = [FeatureRow.version &+ 1] + row.dropFirst()
            _ = try await store.insert([otherLayout])
            let other = try #require(try await store.events(after: read[1].sequence, limit: 1).first)
            #expect(other.event.id == "other-layout" && other.event.line == line && other.event.features == otherLayout.features)
            #expect(try await store.samples(account: "acct_1", limit: 5).map(\.line).contains(line), "evidence still shows the line")

            let pruned = try await store.applyRetention(
                evidenceAccounts: [], perAccount: 0, throughSequence: other.sequence, before: Timestamp(rfc3339: "2026-03-01T00:00:00Z")!)
            #expect(pruned == 3)
            let after = try await store.events(after: 0, limit: 10)
            #expect(after.allSatisfy { $0.event.features == nil && $0.event.line.isEmpty }, "no raw text is left in rows either")
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

    /// Gateways and replicas that share throttle limits: each mark keeps its point live for the
    /// time given, the count includes the point marking, and points whose time ran out are not
    /// counted (marked here as already expired, so that nothing waits on a clock).
    @Test(arguments: Backend.allCases)
    func enforcementPointsAreCountedWhileLive(backend: Backend) async throws {
        try await stores.withStore(backend) { store in
            // (id, seconds live, points live after the mark, why)
            let marks: [(String, Double, Int, String)] = [
                ("gateway:a", 600, 1, "the first point"), ("gateway:b", 600, 2, "a second point"),
                ("gateway:a", 600, 2, "a point marked again is one point"), ("serve:r1", 600, 3, "a replica counts as well"),
                ("gateway:gone", -60, 4, "the point marking counts itself"), ("gateway:b", 600, 3, "an expired point is not counted"),
                ("gateway:a", -60, 3, "…except by itself"), ("serve:r1", 600, 2, "two live: gateway:b and serve:r1"),
            ]
            for (id, seconds, expected, why) in marks {
                let live = try await store.markEnforcementPoint(id, liveForSeconds: seconds)
                #expect(live == expected, "\(id): \(why)")
            }
        }
    }

    /// The PostgreSQL analysis lease: one holder at a time, handed over on release or expiry, and a
    /// checkpoint written only under the lease of its term.
    @Test func theAnalysisLeaseHasOneHolderAndFencesCheckpoints() async throws {
        try await stores.withStore(.postgres) { service in
            let store = try #require(service as? any AnalysisLeaseStore)
            #expect(try await store.checkpointSequence() == 0)
            // Replicas racing for a free lease: exactly one wins, and all see the same holder.
            let claims = try await withThrowingTaskGroup(of: AnalysisLease.self) { group in
                for replica in 0..<8 {
                    group.addTask { try await store.claimLease(holder: "r\(replica)", seconds: 600, processedSequence: 0) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let first = try #require(claims.first)
            #expect(claims.allSatisfy { $0.holder == first.holder && $0.term == 1 })
            #expect(first.secondsLeft > 0)

            // A held lease is renewed by its holder (same term) and refused to others.
            let renewed = try await store.claimLease(holder: first.holder, seconds: 600, processedSequence: 42)
            #expect(renewed.holder == first.holder && renewed.term == 1 && renewed.processedSequence == 42)
            let refused = try await store.claimLease(holder: "outsider", seconds: 600, processedSequence: 0)
            #expect(refused.holder == first.holder && refused.processedSequence == 42)

            let checkpoint = EngineCheckpoint(sequence: 42, savedAt: Timestamp(milliseconds: 1000), state: [1, 2, 3], verdicts: "{}")
            try await store.save(checkpoint, holding: renewed)
            #expect(try await store.checkpointSequence() == 42)

            // Released: the next claimant leads at once, in a new term, and the old term's writes are refused.
            try await store.releaseLease(holder: first.holder)
            let next = try await store.claimLease(holder: "outsider", seconds: 1, processedSequence: 42)
            #expect(next.holder == "outsider" && next.term == 2)
            let stale = EngineCheckpoint(sequence: 99, savedAt: Timestamp(milliseconds: 2000), state: [9], verdicts: "{}")
            await #expect(throws: LeaseLost.self) { try await store.save(stale, holding: renewed) }
            #expect(try await store.checkpoint() == checkpoint, "a refused checkpoint writes nothing")

            // Expired (no renewal within its second): another replica takes it, in a new term.
            var taken = next
            try await Wait.until("the one-second lease to expire and pass to another replica") {
                taken = try await store.claimLease(holder: first.holder, seconds: 600, processedSequence: 42)
                return taken.holder == first.holder
            }
            #expect(taken.term == 3)
            await #expect(throws: LeaseLost.self) { try await store.save(stale, holding: next) }
            try await store.save(stale, holding: taken)
            #expect(try await store.checkpoint() == stale)
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
