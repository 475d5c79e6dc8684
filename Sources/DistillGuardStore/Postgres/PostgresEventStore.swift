import DistillGuardCore
import Foundation
import Logging
import PostgresNIO

/// Events in PostgreSQL (PostgresNIO), behind the same `EventStore` protocol as SQLite.
///
/// The caller owns the `PostgresClient` and runs it (`client.run()`, e.g. as a service);
/// `withStore(url:)` does both for one scoped use. Tables live in `schema` (default `public`), and
/// named migrations are recorded in `SCHEMA.distillguard_migrations`.
public final class PostgresEventStore: EventStore {
    let client: PostgresClient
    let schema: String
    let logger: Logger

    /// Migrations by name, applied once each, in order.
    static let migrations: [(name: String, sql: @Sendable (String) -> String)] = [
        (
            "v1-events",
            { schema in
                """
                CREATE TABLE IF NOT EXISTS \(schema).event (
                    id TEXT PRIMARY KEY, timestamp_ms BIGINT NOT NULL, account_id TEXT NOT NULL, api TEXT NOT NULL, model TEXT,
                    line TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS event_account_time ON \(schema).event (account_id, timestamp_ms);
                """
            }
        )
    ]

    /// Connects through `client` (which must be running) and applies pending migrations.
    public init(client: PostgresClient, schema: String = "public", logger: Logger) async throws {
        guard schema.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
            throw StoreError("schema name '\(schema)' must be lowercase letters, digits and underscores")
        }
        self.client = client
        self.schema = schema
        self.logger = logger
        try await migrate()
    }

    func migrate() async throws {
        try await client.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: logger)
        try await client.query(
            PostgresQuery(
                unsafeSQL:
                    "CREATE TABLE IF NOT EXISTS \(schema).distillguard_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            ),
            logger: logger)
        for migration in Self.migrations {
            let schema = schema
            try await client.withTransaction(logger: logger) { connection in
                let inserted = try await connection.query(
                    PostgresQuery(
                        unsafeSQL:
                            "INSERT INTO \(schema).distillguard_migrations (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING name",
                        binds: try Self.binds(migration.name)), logger: logger)
                var applied = false
                for try await _ in inserted { applied = true }
                if applied {
                    for statement in migration.sql(schema).split(separator: ";") where !statement.allSatisfy(\.isWhitespace) {
                        try await connection.query(PostgresQuery(unsafeSQL: String(statement)), logger: logger)
                    }
                }
            }
        }
    }

    /// Bound parameters ($1, $2, …); nil binds SQL NULL.
    static func binds(_ values: (any PostgresEncodable)?...) throws -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values {
            if let value { try bindings.append(value) } else { bindings.appendNull() }
        }
        return bindings
    }

    public func insert(_ events: [StoredEvent]) async throws -> [Bool] {
        let schema = schema
        return try await client.withTransaction(logger: logger) { connection in
            var results: [Bool] = []
            for event in events {
                let rows = try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            INSERT INTO \(schema).event (id, timestamp_ms, account_id, api, model, line) VALUES ($1, $2, $3, $4, $5, $6)
                            ON CONFLICT (id) DO NOTHING RETURNING id
                            """,
                        binds: try Self.binds(event.id, event.timestamp.milliseconds, event.accountID, event.api, event.model, event.line)),
                    logger: logger)
                var inserted = false
                for try await _ in rows { inserted = true }
                results.append(inserted)
            }
            return results
        }
    }

    public func eventCount() async throws -> Int {
        let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT COUNT(*)::BIGINT FROM \(schema).event"), logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    public func events(account accountID: String, limit: Int) async throws -> [StoredEvent] {
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL:
                    "SELECT id, timestamp_ms, account_id, api, model, line FROM \(schema).event WHERE account_id = $1 ORDER BY timestamp_ms, id LIMIT $2",
                binds: try Self.binds(accountID, Int64(limit))), logger: logger)
        var events: [StoredEvent] = []
        for try await (id, ms, account, api, model, line) in rows.decode((String, Int64, String, String, String?, String).self) {
            events.append(
                StoredEvent(id: id, timestamp: Timestamp(milliseconds: ms), accountID: account, api: api, model: model, line: line))
        }
        return events
    }

    /// Client settings from a `postgres://user:password@host:port/database` URL.
    public static func configuration(url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, let user = components.user
        else {
            throw StoreError("'\(url)' is not a postgres://user[:password]@host[:port]/database URL")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        return PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.isEmpty ? nil : database, tls: .disable)
    }

    /// Opens a client for `url`, runs it for the duration of `body`, and closes it.
    public static func withStore<T: Sendable>(
        url: String, schema: String = "public", logger: Logger, _ body: @Sendable (PostgresEventStore) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(configuration: try configuration(url: url), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let store = try await PostgresEventStore(client: client, schema: schema, logger: logger)
            return try await body(store)
        }
    }
}

/// A storage failure a person can act on.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
