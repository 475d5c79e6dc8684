import DistillGuardCore

/// A fast deterministic generator (xoshiro256**): the same seed gives the same stream on every
/// machine and Swift version, which is what makes simulated logs byte-identical run to run.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    public init(seed: UInt64) {
        var splitmix = seed
        func next() -> UInt64 {
            splitmix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitmix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = next()
        s1 = next()
        s2 = next()
        s3 = next()
    }

    /// An independent stream derived from a seed and a label (an account index, a purpose).
    public init(seed: UInt64, stream: UInt64) {
        self.init(seed: StableHash.hash(stream, seed: seed))
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    public mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// Uniform integer in `range`, without modulo bias.
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    public mutating func int(_ range: Range<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    public mutating func double(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + unit() * (range.upperBound - range.lowerBound)
    }

    /// Exponential with the given mean.
    public mutating func exponential(mean: Double) -> Double {
        -mean * log1p(-unit())
    }

    /// Pareto (heavy tail) with minimum 1 and shape `alpha`.
    public mutating func pareto(alpha: Double) -> Double {
        pow(1 - unit(), -1 / alpha)
    }

    /// Approximately normal (sum of uniforms), mean 0, standard deviation 1.
    public mutating func gaussian() -> Double {
        var sum = 0.0
        for _ in 0..<6 { sum += unit() }
        return (sum - 3) * 1.414
    }

    public mutating func pick<T>(_ items: [T]) -> T {
        items[int(0..<items.count)]
    }

    /// Picks a key with probability proportional to its weight; keys are visited in sorted order
    /// so the choice does not depend on dictionary ordering.
    public mutating func pick(weights: [(String, Double)]) -> String {
        let total = weights.reduce(0) { $0 + $1.1 }
        var target = unit() * total
        for (key, weight) in weights {
            target -= weight
            if target < 0 { return key }
        }
        return weights[weights.count - 1].0
    }

    /// A lowercase hex string of `count` characters.
    public mutating func hex(_ count: Int) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        var bits = next()
        for index in 0..<count {
            if index % 16 == 0, index > 0 { bits = next() }
            let nibble = UInt8(truncatingIfNeeded: bits & 0xF)
            bytes.append(nibble < 10 ? 0x30 + nibble : 0x57 + nibble)
            bits >>= 4
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
