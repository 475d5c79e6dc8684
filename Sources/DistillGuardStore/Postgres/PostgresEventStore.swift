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
        ),
        (
            "v2-service",
            { schema in
                """
                ALTER TABLE \(schema).event ADD COLUMN seq BIGINT;
                UPDATE \(schema).event SET seq = numbered.n FROM (
                    SELECT id, row_number() OVER (ORDER BY timestamp_ms, id) AS n FROM \(schema).event) AS numbered
                    WHERE \(schema).event.id = numbered.id;
                ALTER TABLE \(schema).event ADD COLUMN evidence BOOLEAN NOT NULL DEFAULT FALSE;
                CREATE UNIQUE INDEX event_seq ON \(schema).event (seq);
                CREATE INDEX event_with_text ON \(schema).event (seq) WHERE line <> '' AND NOT evidence;
                CREATE TABLE \(schema).engine_checkpoint (
                    id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, saved_at_ms BIGINT NOT NULL, state BYTEA NOT NULL,
                    verdicts TEXT NOT NULL);
                CREATE TABLE \(schema).analyst_decision (
                    id BIGSERIAL PRIMARY KEY, subject TEXT NOT NULL, subject_id TEXT NOT NULL, ruling TEXT NOT NULL, analyst TEXT NOT NULL,
                    note TEXT NOT NULL, decided_at_ms BIGINT NOT NULL, accounts TEXT NOT NULL);
                CREATE TABLE \(schema).verdict_history (
                    hour_ms BIGINT PRIMARY KEY, events BIGINT NOT NULL, accounts BIGINT NOT NULL, review BIGINT NOT NULL,
                    attack BIGINT NOT NULL, clusters BIGINT NOT NULL);
                CREATE TABLE \(schema).traffic (hour_ms BIGINT PRIMARY KEY, events BIGINT NOT NULL);
                INSERT INTO \(schema).traffic (hour_ms, events)
                    SELECT timestamp_ms - (timestamp_ms % 3600000), COUNT(*) FROM \(schema).event GROUP BY 1
                """
            }
        ),
        (
            "v3-analysis-lease",
            { schema in
                """
                CREATE TABLE \(schema).analysis_lease (
                    id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, term BIGINT NOT NULL, expires_at TIMESTAMPTZ NOT NULL,
                    processed_seq BIGINT NOT NULL)
                """
            }
        ),
        (
            // Event lines (a few KB each) are compressed as they are written, inside the writers'
            // lock: lz4 takes about half the time of the default pglz (docs/scaling.md). Lines
            // written before stay readable; a server built without lz4 keeps pglz.
            "v4-event-lz4",
            { schema in
                """
                DO $$ BEGIN EXECUTE 'ALTER TABLE \(schema).event ALTER COLUMN line SET COMPRESSION lz4'; \
                EXCEPTION WHEN feature_not_supported OR syntax_error THEN \
                RAISE NOTICE 'this PostgreSQL cannot compress with lz4: event lines stay compressed with pglz'; END $$
                """
            }
        ),
        (
            "v5-enforcement-points",
            { schema in
                "CREATE TABLE \(schema).enforcement_point (id TEXT PRIMARY KEY, live_until TIMESTAMPTZ NOT NULL)"
            }
        ),
        (
            // What analysis reads of each event, made at ingest on the replica that stored it
            // (`FeatureRow`): the leader reads these instead of decoding every line again.
            "v6-event-features",
            { schema in "ALTER TABLE \(schema).event ADD COLUMN features BYTEA" }
        ),
    ]

    /// The statements of a migration's SQL: each ends with a semicolon at the end of a line (a
    /// semicolon inside a line, as in a `DO` block, does not end one).
    static func statements(_ sql: String) -> [String] {
        sql.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "; \n")) }.filter { !$0.isEmpty }
    }

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

    /// Applies pending migrations. Each step holds a transaction-level advisory lock, so replicas
    /// started at the same moment on an empty database migrate one after the other (PostgreSQL's
    /// `IF NOT EXISTS` alone can fail when two sessions create the same table at once).
    func migrate() async throws {
        let schema = schema
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))::TEXT"), logger: logger
            ).collect()
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: logger)
            try await connection.query(
                PostgresQuery(
                    unsafeSQL:
                        "CREATE TABLE IF NOT EXISTS \(schema).distillguard_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
                ),
                logger: logger)
        }
        for migration in Self.migrations {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    PostgresQuery(unsafeSQL: "SELECT pg_advisory_xact_lock(\(Self.migrationLockKey))::TEXT"), logger: logger
                ).collect()
                let inserted = try await connection.query(
                    PostgresQuery(
                        unsafeSQL:
                            "INSERT INTO \(schema).distillguard_migrations (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING name",
                        binds: try Self.binds(migration.name)), logger: logger)
                var applied = false
                for try await _ in inserted { applied = true }
                if applied {
                    for statement in Self.statements(migration.sql(schema)) {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
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

    /// Inserts a batch with one statement. Writers take a transaction-level advisory lock first, so
    /// sequence numbers are handed out and committed in one order and a reader following `seq`
    /// never skips an event committed late.
    public func insert(_ events: [StoredEvent]) async throws -> [Bool] {
        guard !events.isEmpty else { return [] }
        var firstIndex: [String: Int] = [:]
        for (index, event) in events.enumerated() where firstIndex[event.id] == nil { firstIndex[event.id] = index }
        let unique = events.indices.filter { firstIndex[events[$0].id] == $0 }.map { events[$0] }
        let schema = schema
        let inserted = try await client.withTransaction(logger: logger) { connection -> Set<String> in
            try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT pg_advisory_xact_lock(\(Self.writeLockKey))::TEXT"), logger: logger
            ).collect()
            var start: Int64 = 0
            for try await value in try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT COALESCE(MAX(seq), 0)::BIGINT FROM \(schema).event"), logger: logger
            ).decode(Int64.self) { start = value }
            let rows = try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO \(schema).event (id, timestamp_ms, account_id, api, model, line, seq, features)
                        SELECT id, ts, account, api, NULLIF(model, ''), line, $7 + n, NULLIF(features, ''::BYTEA)
                        FROM unnest($1::TEXT[], $2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $8::BYTEA[])
                            WITH ORDINALITY AS batch (id, ts, account, api, model, line, features, n)
                        ORDER BY n
                        ON CONFLICT (id) DO NOTHING RETURNING id, timestamp_ms
                        """,
                    binds: try Self.binds(
                        unique.map(\.id), unique.map(\.timestamp.milliseconds), unique.map(\.accountID), unique.map(\.api),
                        unique.map { $0.model ?? "" }, unique.map(\.line), start,
                        unique.map { ByteBuffer(bytes: $0.features ?? []) })),
                logger: logger)
            var ids = Set<String>()
            var hours: [Int64: Int64] = [:]
            for try await (id, ms) in rows.decode((String, Int64).self) {
                ids.insert(id)
                hours[HistoryPoint.hour(of: Timestamp(milliseconds: ms)).milliseconds, default: 0] += 1
            }
            if !hours.isEmpty {
                let keys = hours.keys.sorted()
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            INSERT INTO \(schema).traffic (hour_ms, events) SELECT * FROM unnest($1::BIGINT[], $2::BIGINT[])
                            ON CONFLICT (hour_ms) DO UPDATE SET events = \(schema).traffic.events + excluded.events
                            """,
                        binds: try Self.binds(keys, keys.map { hours[$0]! })), logger: logger
                ).collect()
            }
            return ids
        }
        return events.indices.map { firstIndex[events[$0].id] == $0 && inserted.contains(events[$0].id) }
    }

    /// The advisory lock that serializes event writers (an arbitrary constant: "DGEV").
    static let writeLockKey: Int64 = 0x4447_4556

    /// The advisory lock that serializes migrations (an arbitrary constant: "DGMI").
    static let migrationLockKey: Int64 = 0x4447_4D49

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
        return try await Self.events(rows)
    }

    /// Rows of (id, timestamp_ms, account_id, api, model, line) as events.
    static func events(_ rows: PostgresRowSequence) async throws -> [StoredEvent] {
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

    /// How long opening a store waits, by default, for the server to answer and migrations to run
    /// before giving up with an error.
    public static let defaultConnectTimeout: Duration = .seconds(30)

    /// The store once the server answered and migrations ran; an error after `timeout` (the client
    /// would otherwise retry for ever).
    static func connect(client: PostgresClient, schema: String, timeout: Duration, logger: Logger) async throws -> PostgresEventStore {
        try await withThrowingTaskGroup(of: PostgresEventStore?.self) { group in
            group.addTask { try await PostgresEventStore(client: client, schema: schema, logger: logger) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let store = try await group.next() ?? nil else {
                throw StoreError(
                    "no answer from the PostgreSQL server within \(timeout); is it running, and are host, port and credentials right?"
                )
            }
            return store
        }
    }

    /// Opens a client for `url`, runs it for the duration of `body`, and closes it; fails with a
    /// clear error when the server has not answered within `connectTimeout`.
    public static func withStore<T: Sendable>(
        url: String, schema: String = "public", connectTimeout: Duration = defaultConnectTimeout, logger: Logger,
        _ body: @Sendable (PostgresEventStore) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(configuration: try configuration(url: url), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let store = try await connect(client: client, schema: schema, timeout: connectTimeout, logger: logger)
            return try await body(store)
        }
    }
}

/// A storage failure a person can act on.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
