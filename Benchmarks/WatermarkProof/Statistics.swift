import Foundation

enum Statistics {
    /// Upper tail of the chi-square distribution: the regularized upper incomplete gamma Q(k/2, x/2).
    static func chiSquareTail(_ x: Double, degreesOfFreedom k: Int) -> Double {
        guard x > 0 else { return 1 }
        return upperGamma(Double(k) / 2, x / 2)
    }

    /// Regularized upper incomplete gamma function (series below a + 1, continued fraction above).
    static func upperGamma(_ a: Double, _ x: Double) -> Double {
        let logPrefix = -x + a * log(x) - lgamma(a)
        if x < a + 1 {
            var term = 1 / a
            var sum = term
            var n = a
            for _ in 0..<10_000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return max(0, 1 - sum * exp(logPrefix))
        }
        var b = x + 1 - a
        var c = 1 / 1e-300
        var d = 1 / b
        var h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < 1e-300 { d = 1e-300 }
            c = b + an / c
            if abs(c) < 1e-300 { c = 1e-300 }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return exp(logPrefix) * h
    }

    /// Pearson's chi-square test of homogeneity of two count vectors over the same categories;
    /// categories with fewer than `minimum` occurrences in both together are left out.
    static func homogeneity(_ a: [Int], _ b: [Int], minimum: Int = 10) -> (chiSquare: Double, degreesOfFreedom: Int) {
        let kept = zip(a, b).filter { $0 + $1 >= minimum }
        let totalA = Double(kept.reduce(0) { $0 + $1.0 })
        let totalB = Double(kept.reduce(0) { $0 + $1.1 })
        let total = totalA + totalB
        guard kept.count >= 2, totalA > 0, totalB > 0 else { return (0, 0) }
        var chi = 0.0
        for (x, y) in kept {
            let row = Double(x + y)
            let expectedA = row * totalA / total
            let expectedB = row * totalB / total
            chi += pow(Double(x) - expectedA, 2) / expectedA + pow(Double(y) - expectedB, 2) / expectedB
        }
        return (chi, kept.count - 1)
    }
}

/// A small fast generator with a seed, so runs can be repeated.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
