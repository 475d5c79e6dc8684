import DistillGuardCore
import DistillGuardStore
import DistillGuardTesting
import Foundation
import Logging
import PostgresNIO
import Testing

/// The event store contract, run against SQLite and against a real PostgreSQL server (which
/// `scripts/test.sh` starts on loopback and names in `DISTILLGUARD_TEST_POSTGRES_URL`).
struct EventStoreTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    static let postgresURL = ProcessInfo.processInfo.environment["DISTILLGUARD_TEST_POSTGRES_URL"]

    /// Runs `body` with a fresh, empty store of `backend`.
    func withStore(_ backend: Backend, _ body: @Sendable (any ServiceStore) async throws -> Void) async throws {
        switch backend {
        case .sqlite:
            try await body(try SQLiteEventStore())
        case .postgres:
            let url = try #require(
                Self.postgresURL, "DISTILLGUARD_TEST_POSTGRES_URL is not set: run the suite with scripts/test.sh, which starts PostgreSQL")
            let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
            try await PostgresEventStore.withStore(
                url: url, schema: String(schema), connectTimeout: Wait.hangGuard, logger: Logger(label: "test")
            ) { store in
                try await body(store)
            }
        }
    }

    static func stored(_ id: String, account: String = "acct_1", at timestamp: String = "2026-02-01T00:00:00Z") -> StoredEvent {
        let line = EventFixtures.minimal(id: id, account: account, timestamp: timestamp)
        return StoredEvent(try! EventDecoder.decode(line: line), line: line)
    }

    @Test(arguments: Backend.allCases)
    func insertIsIdempotentById(backend: Backend) async throws {
        try await withStore(backend) { store in
            let first = try await store.insert([Self.stored("1"), Self.stored("2")])
            let second = try await store.insert([Self.stored("2"), Self.stored("3"), Self.stored("3")])
            let count = try await store.eventCount()
            #expect(first == [true, true])
            #expect(second == [false, true, false])
            #expect(count == 3)
        }
    }

    @Test(arguments: Backend.allCases)
    func keepsTheOriginalLineAndOrdersByTime(backend: Backend) async throws {
        try await withStore(backend) { store in
            let late = Self.stored("late", at: "2026-02-02T00:00:00Z")
            let early = Self.stored("early", at: "2026-02-01T00:00:00Z")
            _ = try await store.insert([late, early, Self.stored("other", account: "acct_2")])
            let events = try await store.events(account: "acct_1", limit: 10)
            #expect(events.map(\.id) == ["early", "late"])
            #expect(events[1] == late)
        }
    }

    @Test func sqliteSurvivesReopeningTheFile() async throws {
        let directory = TemporaryDirectory()
        let path = directory.file("events.sqlite")
        do {
            let store = try SQLiteEventStore(path: path)
            _ = try await store.insert([Self.stored("1"), Self.stored("2")])
        }
        let reopened = try SQLiteEventStore(path: path)
        #expect(try await reopened.eventCount() == 2)
        #expect(try await reopened.insert([Self.stored("2")]) == [false])
    }

    @Test func postgresMigrationsRunOnceAndDataSurvivesReconnecting() async throws {
        let url = try #require(Self.postgresURL, "DISTILLGUARD_TEST_POSTGRES_URL is not set: run the suite with scripts/test.sh")
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try await PostgresEventStore.withStore(
            url: url, schema: String(schema), connectTimeout: Wait.hangGuard, logger: Logger(label: "test")
        ) { store in
            _ = try await store.insert([Self.stored("1")])
        }
        try await PostgresEventStore.withStore(
            url: url, schema: String(schema), connectTimeout: Wait.hangGuard, logger: Logger(label: "test")
        ) { store in
            let count = try await store.eventCount()
            let again = try await store.insert([Self.stored("1")])
            #expect(count == 1, "a second start applies no migration again and keeps the data")
            #expect(again == [false])
        }
        let compression = try await Self.lineCompression(url: url, schema: String(schema))
        #expect(compression == "l", "event lines are compressed with lz4 (the test server is built with it)")
    }

    /// `pg_attribute.attcompression` of `SCHEMA.event.line`: "l" for lz4, "p" for pglz, "" for the default.
    static func lineCompression(url: String, schema: String) async throws -> String {
        let client = PostgresClient(configuration: try PostgresEventStore.configuration(url: url))
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            let rows = try await client.query(
                "SELECT attcompression::TEXT FROM pg_attribute WHERE attrelid = \(schema + ".event")::regclass AND attname = 'line'")
            var compression = ""
            for try await value in rows.decode(String.self) { compression = value }
            group.cancelAll()
            return compression
        }
    }

    @Test func rejectsABadDatabaseURL() {
        #expect(throws: StoreError.self) { _ = try PostgresEventStore.configuration(url: "mysql://x@y/z") }
        #expect(throws: StoreError.self) { _ = try PostgresEventStore.configuration(url: "postgres://host-without-user/db") }
    }
}
