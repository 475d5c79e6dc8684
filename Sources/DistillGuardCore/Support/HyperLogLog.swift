/// Counts distinct items in 256 bytes, within about 6.5% (HyperLogLog, 256 registers).
///
/// Used where a count of distinct accounts, addresses or end users could otherwise grow without
/// bound; below 64 items it is exact.
public struct DistinctCounter: Sendable, Codable {
    private var small: [UInt64] = []
    private var registers: [UInt8] = []
    /// The estimate, kept current on insert (registers change rarely), so reading it is free.
    public private(set) var count = 0

    private enum CodingKeys: String, CodingKey {
        case small, registers, count, ranks
    }

    /// How ranks are counted in `registers`: 2 from this version on; counters written before it
    /// (no `ranks` field) counted 8 leading bits too many, which reading takes back out.
    private static let ranksVersion = 2

    /// The items themselves while the count is exact (64 or fewer), else nil.
    public var exactMembers: [UInt64]? { registers.isEmpty ? small : nil }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        small = try container.decode([UInt64].self, forKey: .small)
        registers = try container.decode([UInt8].self, forKey: .registers)
        count = try container.decode(Int.self, forKey: .count)
        if try container.decodeIfPresent(Int.self, forKey: .ranks) != Self.ranksVersion, !registers.isEmpty {
            registers = registers.map { $0 == 0 ? 0 : max($0, 9) - 8 }
            count = estimate()
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(small, forKey: .small)
        try container.encode(registers, forKey: .registers)
        try container.encode(count, forKey: .count)
        try container.encode(Self.ranksVersion, forKey: .ranks)
    }

    public mutating func insert(_ hash: UInt64) {
        if registers.isEmpty {
            if small.contains(hash) { return }
            if small.count < 64 {
                small.append(hash)
                count = small.count
                return
            }
            registers = [UInt8](repeating: 0, count: 256)
            for h in small { _ = add(h) }
            small = []
            count = estimate()
        }
        if add(hash) { count = estimate() }
    }

    /// Updates the registers; true when one changed.
    private mutating func add(_ hash: UInt64) -> Bool {
        let mixed = StableHash.hash(hash, seed: 0x4C4C)
        let index = Int(mixed & 0xFF)
        let rank = Self.rank(mixed >> 8)
        guard rank > registers[index] else { return false }
        registers[index] = rank
        return true
    }

    /// The position of the first 1 bit in the 56 bits left after the register index (1 to 57).
    /// The word is shifted right, so its 8 top bits are always 0 and are not counted: counting
    /// them made every rank 8 too high, and every estimate past a few hundred items 256 times too
    /// large (counters stored that way are corrected when read: see `init(from:)`).
    static func rank(_ rest: UInt64) -> UInt8 {
        UInt8(rest == 0 ? 57 : rest.leadingZeroBitCount - 7)
    }

    private func estimate() -> Int {
        var sum = 0.0
        var zeros = 0
        for r in registers {
            sum += 1 / Double(1 << Int(min(r, 63)))
            if r == 0 { zeros += 1 }
        }
        let m = 256.0
        let estimate = 0.7213 / (1 + 1.079 / m) * m * m / sum
        if estimate < 2.5 * m, zeros > 0 { return Int((m * log(m / Double(zeros))).rounded()) }
        return Int(estimate.rounded())
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
