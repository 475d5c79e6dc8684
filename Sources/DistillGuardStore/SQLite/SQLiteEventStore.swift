import DistillGuardCore
import Foundation
import GRDB

/// Events in an embedded SQLite database (GRDB, WAL journal).
public final class SQLiteEventStore: EventStore {
    let writer: any DatabaseWriter
    let path: String?
    let identity: DatabaseFileIdentity?

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    public init(path: String) throws {
        writer = try SQLiteDatabase.open(path: path, migrator: Self.migrator)
        self.path = path
        identity = DatabaseFileIdentity(path: path)
    }

    /// An in-memory database, for tests and one-off runs.
    public init() throws {
        writer = try SQLiteDatabase.open(path: nil, migrator: Self.migrator)
        path = nil
        identity = nil
    }

    /// Throws `DatabaseFileReplaced` when the file at the store's path is no longer the one it
    /// opened. Checked after every write that acknowledges data and before reads that drive
    /// analysis, so that nothing is reported stored in a file that is gone.
    public func checkFile() throws {
        guard let path, let identity else { return }
        guard DatabaseFileIdentity(path: path) == identity else { throw DatabaseFileReplaced(path: path) }
    }

    /// Closes the database's connections (after a `DatabaseFileReplaced`, before opening a new one).
    public func close() throws {
        try writer.close()
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-events") { db in
            try db.create(table: "event") { table in
                table.primaryKey("id", .text)
                table.column("timestamp_ms", .integer).notNull()
                table.column("account_id", .text).notNull()
                table.column("api", .text).notNull()
                table.column("model", .text)
                table.column("line", .text).notNull()
            }
            try db.create(index: "event_account_time", on: "event", columns: ["account_id", "timestamp_ms"])
        }
        migrator.registerMigration("v2-service") { db in
            try db.execute(
                sql: """
                    ALTER TABLE event ADD COLUMN seq INTEGER;
                    UPDATE event SET seq = rowid;
                    ALTER TABLE event ADD COLUMN evidence INTEGER NOT NULL DEFAULT 0;
                    CREATE UNIQUE INDEX event_seq ON event (seq);
                    CREATE INDEX event_with_text ON event (seq) WHERE line <> '' AND evidence = 0;
                    CREATE TABLE engine_checkpoint (
                        id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, saved_at_ms INTEGER NOT NULL,
                        state BLOB NOT NULL, verdicts TEXT NOT NULL);
                    CREATE TABLE analyst_decision (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, subject TEXT NOT NULL, subject_id TEXT NOT NULL,
                        ruling TEXT NOT NULL, analyst TEXT NOT NULL, note TEXT NOT NULL, decided_at_ms INTEGER NOT NULL,
                        accounts TEXT NOT NULL);
                    CREATE TABLE verdict_history (
                        hour_ms INTEGER PRIMARY KEY, events INTEGER NOT NULL, accounts INTEGER NOT NULL,
                        review INTEGER NOT NULL, attack INTEGER NOT NULL, clusters INTEGER NOT NULL);
                    CREATE TABLE traffic (hour_ms INTEGER PRIMARY KEY, events INTEGER NOT NULL);
                    INSERT INTO traffic (hour_ms, events)
                        SELECT timestamp_ms - (timestamp_ms % 3600000), COUNT(*) FROM event GROUP BY 1;
                    """)
        }
        migrator.registerMigration("v3-enforcement-points") { db in
            try db.execute(sql: "CREATE TABLE enforcement_point (id TEXT PRIMARY KEY, live_until_ms INTEGER NOT NULL)")
        }
        // What analysis reads of each event, made at ingest (`FeatureRow`), as on PostgreSQL.
        migrator.registerMigration("v4-event-features") { db in
            try db.execute(sql: "ALTER TABLE event ADD COLUMN features BLOB")
        }
        return migrator
    }

    public func insert(_ events: [StoredEvent]) async throws -> [Bool] {
        let inserted = try await writer.write { db in try Self.insert(events, into: db) }
        try checkFile()
        return inserted
    }

    /// Inserts in one write transaction (SQLite has one writer at a time, so sequence numbers
    /// follow commit order), and counts new events in their hour's traffic.
    static func insert(_ events: [StoredEvent], into db: Database) throws -> [Bool] {
        var sequence = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM event") ?? 0
        let statement = try db.cachedStatement(
            sql:
                "INSERT OR IGNORE INTO event (id, timestamp_ms, account_id, api, model, line, seq, features) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        )
        var hours: [Int64: Int] = [:]
        let results = try events.map { event in
            try statement.execute(arguments: [
                event.id, event.timestamp.milliseconds, event.accountID, event.api, event.model, event.line, sequence + 1,
                event.features.map { Data($0) },
            ])
            guard db.changesCount == 1 else { return false }
            sequence += 1
            hours[HistoryPoint.hour(of: event.timestamp).milliseconds, default: 0] += 1
            return true
        }
        let traffic = try db.cachedStatement(
            sql: "INSERT INTO traffic (hour_ms, events) VALUES (?, ?) ON CONFLICT (hour_ms) DO UPDATE SET events = events + excluded.events"
        )
        for (hour, count) in hours { try traffic.execute(arguments: [hour, count]) }
        return results
    }

    public func eventCount() async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") ?? 0 }
    }

    public func events(account accountID: String, limit: Int) async throws -> [StoredEvent] {
        try await events(account: accountID, order: "timestamp_ms, id", limit: limit)
    }

    /// An account's events in `order` (an ORDER BY clause of this file's own, never user input).
    func events(account accountID: String, order: StaticString, limit: Int) async throws -> [StoredEvent] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, timestamp_ms, account_id, api, model, line FROM event WHERE account_id = ? ORDER BY \(order) LIMIT ?",
                arguments: [accountID, limit]
            ).map(Self.event)
        }
    }

    static func event(_ row: Row) -> StoredEvent {
        StoredEvent(
            id: row["id"], timestamp: Timestamp(milliseconds: row["timestamp_ms"]), accountID: row["account_id"], api: row["api"],
            model: row["model"], line: row["line"], features: (row["features"] as Data?).map { [UInt8]($0) })
    }
}
