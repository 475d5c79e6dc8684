import DistillGuardCore
import GRDB

/// Events in an embedded SQLite database (GRDB, WAL journal).
public final class SQLiteEventStore: EventStore {
    private let writer: any DatabaseWriter

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    public init(path: String) throws {
        writer = try SQLiteDatabase.open(path: path, migrator: Self.migrator)
    }

    /// An in-memory database, for tests and one-off runs.
    public init() throws {
        writer = try SQLiteDatabase.open(path: nil, migrator: Self.migrator)
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
        return migrator
    }

    public func insert(_ events: [StoredEvent]) async throws -> [Bool] {
        try await writer.write { db in try Self.insert(events, into: db) }
    }

    /// `insert`, for a caller on a thread of its own (the gateway's analysis thread).
    public func insertSynchronously(_ events: [StoredEvent]) throws -> [Bool] {
        try writer.write { db in try Self.insert(events, into: db) }
    }

    static func insert(_ events: [StoredEvent], into db: Database) throws -> [Bool] {
        let statement = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO event (id, timestamp_ms, account_id, api, model, line) VALUES (?, ?, ?, ?, ?, ?)")
        return try events.map { event in
            try statement.execute(arguments: [
                event.id, event.timestamp.milliseconds, event.accountID, event.api, event.model, event.line,
            ])
            return db.changesCount == 1
        }
    }

    public func eventCount() async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM event") ?? 0 }
    }

    public func events(account accountID: String, limit: Int) async throws -> [StoredEvent] {
        try await writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT id, timestamp_ms, account_id, api, model, line FROM event WHERE account_id = ? ORDER BY timestamp_ms, id LIMIT ?",
                arguments: [accountID, limit])
            return rows.map { row in
                StoredEvent(
                    id: row["id"], timestamp: Timestamp(milliseconds: row["timestamp_ms"]), accountID: row["account_id"],
                    api: row["api"], model: row["model"], line: row["line"])
            }
        }
    }
}
