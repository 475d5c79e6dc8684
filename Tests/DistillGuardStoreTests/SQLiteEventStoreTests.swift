import DistillGuardCore
import DistillGuardStore
import DistillGuardTesting
import Testing

struct SQLiteEventStoreTests {
    func stored(_ id: String, account: String = "acct_1", at timestamp: String = "2026-02-01T00:00:00Z") throws -> StoredEvent {
        let line = EventFixtures.minimal(id: id, account: account, timestamp: timestamp)
        return StoredEvent(try EventDecoder.decode(line: line), line: line)
    }

    @Test func insertIsIdempotentById() async throws {
        let store = try SQLiteEventStore()
        #expect(try await store.insert([stored("1"), stored("2")]) == [true, true])
        #expect(try await store.insert([stored("2"), stored("3"), stored("3")]) == [false, true, false])
        #expect(try await store.eventCount() == 3)
    }

    @Test func keepsTheOriginalLineAndOrdersByTime() async throws {
        let store = try SQLiteEventStore()
        let late = try stored("late", at: "2026-02-02T00:00:00Z")
        let early = try stored("early", at: "2026-02-01T00:00:00Z")
        _ = try await store.insert([late, early, try stored("other", account: "acct_2")])
        let events = try await store.events(account: "acct_1", limit: 10)
        #expect(events.map(\.id) == ["early", "late"])
        #expect(events[1] == late)
    }

    @Test func survivesReopeningTheFile() async throws {
        let directory = TemporaryDirectory()
        let path = directory.file("events.sqlite")
        do {
            let store = try SQLiteEventStore(path: path)
            _ = try await store.insert([stored("1"), stored("2")])
        }
        let reopened = try SQLiteEventStore(path: path)
        #expect(try await reopened.eventCount() == 2)
        #expect(try await reopened.insert([stored("2")]) == [false])
    }
}
