import Foundation

/// Tests whether text (sampled from a suspect model) follows a watermark key's word choices more
/// often than chance, and returns a p-value with the counts behind it.
///
/// Words are tallied per (synonym group, previous word) pair; only the pairs the key marks count. In
/// each pair the score is the share of its occurrences that are the key's choice. Under the null hypothesis (the text's author never saw
/// watermarked text) the words are independent of the key, and the key's choice in each pair is a
/// draw with the group's frequencies, so each pair's score is exactly distributed: it is the share of
/// word `v` with probability `frequency(v)`. Pairs are independent, and the p-value is the Chernoff
/// bound on the upper tail of their sum: never below the exact tail probability, so under the null
/// `P(p ≤ α) ≤ α` for every α. Repeating a context does not add evidence; new contexts do.
public struct AttributionTest: Sendable {
    public struct Pair: Sendable {
        public var group: SynonymTable.Group
        public var context: String
        /// Occurrences of each word of the group in this context.
        public var counts: [Int]
    }

    public private(set) var pairs: [String: Pair] = [:]
    public private(set) var samples = 0
    public private(set) var sites = 0
    public let table: SynonymTable

    public init(table: SynonymTable = .standard) {
        self.table = table
    }

    /// Adds one sample's words to the tally.
    public mutating func add(_ text: String) {
        samples += 1
        for site in SynonymTable.sites(in: text, table: table) {
            sites += 1
            let key = site.group.id + "\u{1F}" + site.context
            pairs[key, default: Pair(group: site.group, context: site.context, counts: Array(repeating: 0, count: site.group.words.count))]
                .counts[site.word] += 1
        }
    }

    /// The test against one key.
    public func result(for watermark: Watermark) -> AttributionResult {
        var matches = 0
        var markedSites = 0
        var expectedMatches = 0.0
        var score = 0.0
        var expectedScore = 0.0
        var variance = 0.0
        var outcomes: [[(value: Double, probability: Double)]] = []
        outcomes.reserveCapacity(pairs.count)
        for pair in pairs.values {
            let total = pair.counts.reduce(0, +)
            guard total > 0, watermark.isActive(group: pair.group.id, context: pair.context) else { continue }
            let chosen = pair.group.word(at: watermark.draw(group: pair.group.id, context: pair.context))
            matches += pair.counts[chosen]
            markedSites += total
            score += Double(pair.counts[chosen]) / Double(total)
            let values = zip(pair.counts, pair.group.frequencies).map { (value: Double($0) / Double(total), probability: $1) }
            let mean = values.reduce(0) { $0 + $1.value * $1.probability }
            expectedMatches += mean * Double(total)
            expectedScore += mean
            variance += values.reduce(0) { $0 + $1.probability * ($1.value - mean) * ($1.value - mean) }
            outcomes.append(values)
        }
        let log10P = Self.chernoffLog10(outcomes, atLeast: score, mean: expectedScore)
        return AttributionResult(
            samples: samples, sites: sites, markedSites: markedSites, pairs: outcomes.count, matches: matches,
            expectedMatches: expectedMatches, score: score,
            expectedScore: expectedScore, standardDeviation: variance.squareRoot(),
            zScore: variance > 0 ? (score - expectedScore) / variance.squareRoot() : 0, log10PValue: log10P)
    }

    /// log10 of `min(1, inf over λ ≥ 0 of E[exp(λ S)] / exp(λ s))` for S the sum of independent
    /// discrete variables; the bound is tight to within a small factor in the tail.
    static func chernoffLog10(_ outcomes: [[(value: Double, probability: Double)]], atLeast s: Double, mean: Double) -> Double {
        guard s > mean + 1e-12, !outcomes.isEmpty else { return 0 }
        // Cumulant generating function and its derivative, computed stably with a per-pair shift.
        func cumulant(_ lambda: Double) -> (value: Double, slope: Double) {
            var value = 0.0
            var slope = 0.0
            for pair in outcomes {
                let top = pair.reduce(-Double.infinity) { max($0, $1.value) }
                var sum = 0.0
                var weighted = 0.0
                for outcome in pair {
                    let term = outcome.probability * exp(lambda * (outcome.value - top))
                    sum += term
                    weighted += term * outcome.value
                }
                value += lambda * top + log(sum)
                slope += weighted / sum
            }
            return (value, slope)
        }
        var low = 0.0
        var high = 1.0
        while cumulant(high).slope < s && high < 1e6 { high *= 2 }
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if cumulant(middle).slope < s { low = middle } else { high = middle }
        }
        let lambda = (low + high) / 2
        let exponent = cumulant(lambda).value - lambda * s
        return min(0, exponent / log(10))
    }
}

/// The outcome of an attribution test, with the counts behind it.
public struct AttributionResult: Sendable, Equatable {
    /// Texts read.
    public var samples: Int
    /// Table words found in running prose.
    public var sites: Int
    /// Of those, the words in (group, previous word) pairs the key marks.
    public var markedSites: Int
    /// Distinct (group, previous word) pairs the key marks: the independent pieces of evidence.
    public var pairs: Int
    /// Occurrences that are the key's choice, and how many chance would give.
    public var matches: Int
    public var expectedMatches: Double
    /// Sum over pairs of the share of occurrences that are the key's choice, its null mean and spread.
    public var score: Double
    public var expectedScore: Double
    public var standardDeviation: Double
    public var zScore: Double
    /// log10 of the p-value (it can be far below the smallest Double).
    public var log10PValue: Double

    public var pValue: Double { pow(10, log10PValue) }

    public var json: JSONValue {
        [
            "p_value": .double(pValue), "log10_p_value": .double(log10PValue), "samples": .int(Int64(samples)),
            "sites": .int(Int64(sites)), "marked_sites": .int(Int64(markedSites)), "pairs": .int(Int64(pairs)),
            "matches": .int(Int64(matches)),
            "expected_matches": .double(expectedMatches), "score": .double(score), "expected_score": .double(expectedScore),
            "standard_deviation": .double(standardDeviation), "z_score": .double(zScore),
        ]
    }
}
