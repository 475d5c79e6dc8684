import Foundation
import Testing

@testable import DistillGuardCore

/// `DistinctCounter`: exact up to 64 items, then a HyperLogLog estimate within its error.
struct DistinctCounterTests {
    func counter(distinct: Int, repeats: Int = 1) -> DistinctCounter {
        var counter = DistinctCounter()
        for _ in 0..<repeats {
            for item in 0..<distinct { counter.insert(StableHash.hash("account-\(item)")) }
        }
        return counter
    }

    @Test func countsExactlyUpTo64Items() {
        #expect(counter(distinct: 0).count == 0)
        #expect(counter(distinct: 1, repeats: 5).count == 1)
        #expect(counter(distinct: 64, repeats: 2).count == 64)
        #expect(counter(distinct: 64).exactMembers?.count == 64)
        #expect(counter(distinct: 65).exactMembers == nil)
    }

    /// 256 registers give a standard error of 6.5%; 20% is three of them. (Before the rank was
    /// counted over the 56 bits it has, estimates past a few hundred were 256 times too large: a
    /// template "used by 619,265 accounts" in a log of 15,019.)
    @Test(arguments: [100, 500, 1_000, 15_000, 200_000])
    func estimatesLargeCountsWithinItsError(distinct: Int) {
        let estimate = counter(distinct: distinct).count
        #expect(abs(Double(estimate - distinct)) <= 0.2 * Double(distinct), "\(estimate) for \(distinct) distinct items")
    }

    @Test func repeatsDoNotCount() {
        #expect(counter(distinct: 1_000, repeats: 3).count == counter(distinct: 1_000).count)
    }

    @Test func roundTripsThroughJSON() throws {
        let original = counter(distinct: 5_000)
        let decoded = try JSONDecoder().decode(DistinctCounter.self, from: JSONEncoder().encode(original))
        #expect(decoded.count == original.count)
        var grown = decoded
        grown.insert(StableHash.hash("one more"))
        #expect(abs(grown.count - original.count) <= 100)
    }

    /// A checkpoint written before the fix has every non-zero rank 8 too high and no `ranks`
    /// field: reading it takes the 8 back out, so a restarted service counts as a fresh one would.
    @Test func readsCountersWrittenWithTheOldRanks() throws {
        let current = counter(distinct: 20_000)
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(current)) as? [String: Any])
        let registers = try #require(object["registers"] as? [Int])
        object["registers"] = registers.map { $0 == 0 ? 0 : $0 + 8 }
        object["count"] = 5_000_000
        object.removeValue(forKey: "ranks")
        let old = try JSONDecoder().decode(DistinctCounter.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.count == current.count)
        let small = try JSONDecoder().decode(
            DistinctCounter.self, from: Data(#"{"small":[1,2,3],"registers":[],"count":3}"#.utf8))
        #expect(small.count == 3 && small.exactMembers == [1, 2, 3])
    }
}
