import DistillGuardCore
import Foundation
import GRDB

extension SQLiteEventStore: ServiceStore {
    public func events(after sequence: Int64, limit: Int) async throws -> [SequencedEvent] {
        try checkFile()
        return try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, id, timestamp_ms, account_id, api, model,
                        CASE WHEN features IS NULL OR hex(substr(features, 1, 1)) <> '\(Self.featureRowVersionHex)'
                            THEN line ELSE '' END AS line, features
                    FROM event WHERE seq > ? ORDER BY seq LIMIT ?
                    """,
                arguments: [sequence, limit]
            ).map { SequencedEvent(sequence: $0["seq"], event: Self.event($0)) }
        }
    }

    /// `FeatureRow.version` as SQLite's `hex()` writes a byte.
    static let featureRowVersionHex: String = {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(FeatureRow.version >> 4)], digits[Int(FeatureRow.version & 15)]])
    }()

    public func eventCount(after sequence: Int64) async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event WHERE seq > ?", arguments: [sequence]) ?? 0 }
    }

    public func latestSequence() async throws -> Int64 {
        try await writer.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM event") ?? 0 }
    }

    public func checkpoint() async throws -> EngineCheckpoint? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT seq, saved_at_ms, state, verdicts FROM engine_checkpoint WHERE id = 1").map { row in
                let state: [UInt8] = [UInt8](row["state"] as Data)
                return EngineCheckpoint(
                    sequence: row["seq"], savedAt: Timestamp(milliseconds: row["saved_at_ms"]), state: state, verdicts: row["verdicts"])
            }
        }
    }

    public func save(_ checkpoint: EngineCheckpoint) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO engine_checkpoint (id, seq, saved_at_ms, state, verdicts) VALUES (1, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, saved_at_ms = excluded.saved_at_ms, state = excluded.state,
                        verdicts = excluded.verdicts
                    """,
                arguments: [checkpoint.sequence, checkpoint.savedAt.milliseconds, Data(checkpoint.state), checkpoint.verdicts])
        }
        try checkFile()
    }

    public func applyRetention(
        evidenceAccounts: [String], perAccount: Int, throughSequence sequence: Int64, before: Timestamp
    )
        async throws -> Int
    {
        let pruned = try await writer.write { db in
            let mark = try db.cachedStatement(
                sql: """
                    UPDATE event SET evidence = 1 WHERE id IN (
                        SELECT id FROM event WHERE account_id = ? AND line <> '' AND evidence = 0 ORDER BY seq DESC
                        LIMIT MAX(0, ? - (SELECT COUNT(*) FROM event WHERE account_id = ? AND evidence = 1)))
                    """)
            for account in evidenceAccounts { try mark.execute(arguments: [account, perAccount, account]) }
            try db.execute(
                sql: "UPDATE event SET line = '', features = NULL WHERE seq <= ? AND timestamp_ms < ? AND line <> '' AND evidence = 0",
                arguments: [sequence, before.milliseconds])
            return db.changesCount
        }
        // Hand the write-ahead log back to the file system once what was pruned is in the database
        // (pages freed by retention are reused by new events). Busy readers only postpone it.
        if pruned > 0 { try? await writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) } }
        return pruned
    }

    public func record(_ decision: AnalystDecision) async throws -> AnalystDecision {
        let stored = try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO analyst_decision (subject, subject_id, ruling, analyst, note, decided_at_ms, accounts)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    decision.subject.rawValue, decision.subjectID, decision.ruling.rawValue, decision.analyst, decision.note,
                    decision.decidedAt.milliseconds, StoreCoding.accountList(decision.accounts),
                ])
            var stored = decision
            stored.id = db.lastInsertedRowID
            return stored
        }
        try checkFile()
        return stored
    }

    public func decisions() async throws -> [AnalystDecision] {
        try await writer.read(Self.decisions)
    }

    static func decisions(_ db: Database) throws -> [AnalystDecision] {
        try Row.fetchAll(
            db, sql: "SELECT id, subject, subject_id, ruling, analyst, note, decided_at_ms, accounts FROM analyst_decision ORDER BY id"
        ).map { row in
            try StoreCoding.decision(
                id: row["id"], subject: row["subject"], subjectID: row["subject_id"], ruling: row["ruling"], analyst: row["analyst"],
                note: row["note"], decidedAt: row["decided_at_ms"], accounts: row["accounts"])
        }
    }

    public func record(_ point: HistoryPoint) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO verdict_history (hour_ms, events, accounts, review, attack, clusters) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (hour_ms) DO UPDATE SET events = excluded.events, accounts = excluded.accounts,
                        review = excluded.review, attack = excluded.attack, clusters = excluded.clusters
                    """,
                arguments: [point.hour.milliseconds, point.events, point.accounts, point.review, point.attack, point.clusters])
        }
    }

    public func history(limit: Int) async throws -> [HistoryPoint] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT hour_ms, events, accounts, review, attack, clusters FROM verdict_history ORDER BY hour_ms DESC LIMIT ?",
                arguments: [limit]
            ).map { row in
                HistoryPoint(
                    hour: Timestamp(milliseconds: row["hour_ms"]), events: row["events"], accounts: row["accounts"], review: row["review"],
                    attack: row["attack"], clusters: row["clusters"])
            }.reversed()
        }
    }

    public func traffic(limit: Int) async throws -> [TrafficPoint] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT hour_ms, events FROM traffic ORDER BY hour_ms DESC LIMIT ?", arguments: [limit]).map {
                TrafficPoint(hour: Timestamp(milliseconds: $0["hour_ms"]), events: $0["events"])
            }.reversed()
        }
    }

    public func recentEvents(account accountID: String, limit: Int) async throws -> [StoredEvent] {
        try await events(account: accountID, order: "timestamp_ms DESC, id DESC", limit: limit)
    }

    public func samples(account accountID: String, limit: Int) async throws -> [StoredEvent] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, timestamp_ms, account_id, api, model, line FROM event WHERE account_id = ? AND line <> ''
                    ORDER BY evidence DESC, seq DESC LIMIT ?
                    """,
                arguments: [accountID, limit]
            ).map(Self.event)
        }
    }

    public func markEnforcementPoint(_ id: String, liveForSeconds seconds: Double) async throws -> Int {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO enforcement_point (id, live_until_ms) VALUES (?, ?)
                    ON CONFLICT (id) DO UPDATE SET live_until_ms = excluded.live_until_ms
                    """,
                arguments: [id, now + Int64(seconds * 1000)])
            try db.execute(sql: "DELETE FROM enforcement_point WHERE live_until_ms < ? AND id <> ?", arguments: [now - 86_400_000, id])
            let others = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM enforcement_point WHERE live_until_ms > ? AND id <> ?", arguments: [now, id])
            return (others ?? 0) + 1
        }
    }

    public func retentionSummary() async throws -> RetentionSummary {
        try await writer.read { db in
            let row = try Row.fetchOne(
                db,
                sql: "SELECT COUNT(*) AS events, COALESCE(SUM(line <> ''), 0) AS text, COALESCE(SUM(evidence), 0) AS evidence FROM event")
            return RetentionSummary(events: row?["events"] ?? 0, withText: row?["text"] ?? 0, evidence: row?["evidence"] ?? 0)
        }
    }
}

/// How both stores write values SQL has no type for.
enum StoreCoding {
    /// A decision's accounts as a JSON array.
    static func accountList(_ accounts: [String]) -> String {
        JSONValue.array(accounts.map { .string($0) }).description
    }

    static func decision(
        id: Int64, subject: String, subjectID: String, ruling: String, analyst: String, note: String, decidedAt: Int64,
        accounts: String
    ) throws -> AnalystDecision {
        guard let subject = AnalystDecision.Subject(rawValue: subject), let ruling = AnalystDecision.Ruling(rawValue: ruling),
            let list = try? JSONParser.parse(Array(accounts.utf8)).arrayValue
        else {
            throw StoreError("decision \(id) in the database is malformed (subject '\(subject)', ruling '\(ruling)')")
        }
        return AnalystDecision(
            id: id, subject: subject, subjectID: subjectID, ruling: ruling, analyst: analyst, note: note,
            decidedAt: Timestamp(milliseconds: decidedAt), accounts: list.compactMap(\.stringValue))
    }
}
