/// Counts distinct items in 256 bytes, within about 6.5% (HyperLogLog, 256 registers).
///
/// Used where a count of distinct accounts, addresses or end users could otherwise grow without
/// bound; below 64 items it is exact.
public struct DistinctCounter: Sendable, Codable {
    private var small: [UInt64] = []
    private var registers: [UInt8] = []
    /// The estimate, kept current on insert (registers change rarely), so reading it is free.
    public private(set) var count = 0

    /// The items themselves while the count is exact (64 or fewer), else nil.
    public var exactMembers: [UInt64]? { registers.isEmpty ? small : nil }

    public init() {}

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
        let rank = UInt8(min((mixed >> 8).leadingZeroBitCount + 1, 56))
        guard rank > registers[index] else { return false }
        registers[index] = rank
        return true
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
