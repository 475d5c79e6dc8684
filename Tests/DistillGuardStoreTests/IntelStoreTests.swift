import DistillGuardCore
import DistillGuardStore
import DistillGuardTesting
import Testing

struct IntelStoreTests {
    static func bundle(indicators count: Int, producer: String = "Partner") -> STIXImporter.Result {
        var objects: [JSONValue] = [
            ["type": "identity", "id": "identity--00000000-0000-4000-8000-00000000aaaa", "name": .string(producer), "spec_version": "2.1"]
        ]
        for i in 0..<count {
            let id = "indicator--00000000-0000-4000-8000-\(String(repeating: "0", count: 12 - String(i).count))\(i)"
            objects.append([
                "type": "indicator", "id": .string(id), "spec_version": "2.1", "modified": "2026-02-01T00:00:00.000Z",
                "created_by_ref": "identity--00000000-0000-4000-8000-00000000aaaa",
                "pattern": .string("[autonomous-system:number = \(64500 + i)]"),
                "pattern_type": "stix", "valid_from": "2026-02-01T00:00:00Z",
            ])
        }
        let text = JSONValue.object(["type": "bundle", "id": "bundle--00000000-0000-4000-8000-000000000001", "objects": .array(objects)])
            .description
        return try! STIXImporter().read(Array(text.utf8), source: "test")
    }

    @Test func importsIdempotentlyAndReadsIndicatorsBack() async throws {
        let store = try IntelStore()
        let first = try await store.store(Self.bundle(indicators: 3), source: .imported, at: Timestamp(milliseconds: 1000))
        #expect(first.objects == 4 && first.newObjects == 4 && first.indicators == 3 && first.unmatchable == 0)
        let again = try await store.store(Self.bundle(indicators: 3), source: .imported, at: Timestamp(milliseconds: 2000))
        #expect(again.newObjects == 0)
        let indicators = try await store.indicators()
        #expect(indicators.count == 3 && indicators.allSatisfy { $0.producer == "Partner" && $0.kind == .asn })
    }

    @Test func pagesPublishedObjectsInTheOrderAdded() async throws {
        let store = try IntelStore()
        _ = try await store.store(Self.bundle(indicators: 5), source: .published, at: Timestamp(milliseconds: 1000))
        _ = try await store.store(Self.bundle(indicators: 0, producer: "Later"), source: .imported, at: Timestamp(milliseconds: 3000))
        let page1 = try await store.published(addedAfter: nil, afterSequence: nil, limit: 4)
        #expect(page1.objects.count == 4 && page1.more)
        let page2 = try await store.published(addedAfter: nil, afterSequence: page1.last, limit: 4)
        #expect(page2.objects.count == 2 && !page2.more)
        #expect(Set(page1.objects.map(\.id) + page2.objects.map(\.id)).count == 6, "imported objects are not published")
        #expect(try await store.published(addedAfter: Timestamp(milliseconds: 1000), afterSequence: nil, limit: 10).objects.isEmpty)
        #expect(try await store.indicators().isEmpty, "published objects are not matched against our own traffic")
    }
}
