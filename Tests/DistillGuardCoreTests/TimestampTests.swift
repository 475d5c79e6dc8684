import DistillGuardCore
import Testing

struct TimestampTests {
    @Test(arguments: [
        ("2026-02-01T12:00:00Z", "2026-02-01T12:00:00Z"),
        ("2026-02-01T12:00:00.123Z", "2026-02-01T12:00:00.123Z"),
        ("2026-02-01T12:00:00.1Z", "2026-02-01T12:00:00.100Z"),
        ("2026-02-01T12:00:00.123456789Z", "2026-02-01T12:00:00.123Z"),
        ("2026-02-01T20:00:00+08:00", "2026-02-01T12:00:00Z"),
        ("2026-02-01T07:30:00-04:30", "2026-02-01T12:00:00Z"),
        ("2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"),
        ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"),
    ])
    func parsesAndNormalizesToUTC(text: String, expected: String) throws {
        let timestamp = try #require(Timestamp(rfc3339: text))
        #expect(timestamp.rfc3339 == expected)
    }

    @Test(arguments: [
        "2026-02-01", "2026-02-01T12:00:00", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-02-01T25:00:00Z", "2026-02-01T12:00:00+0800", "yesterday", "2026-02-01T12:00:00.Z",
        "2025-02-29T00:00:00Z",
    ])
    func rejectsWhatIsNotRFC3339(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func knowsTheEpoch() throws {
        #expect(try #require(Timestamp(rfc3339: "1970-01-01T00:00:01Z")).milliseconds == 1000)
    }
}
