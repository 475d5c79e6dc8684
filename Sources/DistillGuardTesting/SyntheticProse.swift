import DistillGuardCore

/// Plain prose in which a synonym table's words appear in many contexts with their table
/// frequencies: text "never exposed to the watermark", for tests of the watermark and its test.
public enum SyntheticProse {
    static let fillers = [
        "the", "team", "we", "you", "this", "report", "it", "results", "data", "they", "and", "then", "which", "our", "model", "users",
        "system", "was", "is", "will", "can", "should", "so", "but", "when", "each", "new", "old", "first", "last", "work", "plan",
        "code", "answer", "question", "city", "market", "price", "story", "people", "service", "project", "paper", "study", "field",
        "group", "night", "day", "week", "year", "book", "song", "school", "office", "river", "garden", "kitchen", "letter", "street",
    ]

    /// `count` texts of about eight sentences each.
    public static func texts(_ count: Int, seed: UInt64, table: SynonymTable = .standard) -> [String] {
        var generator = Generator(state: seed)
        let groups = table.groups.filter { $0.language == "en" && $0.requiredPrevious == nil }
        return (0..<count).map { _ in
            (0..<8).map { _ -> String in
                var words: [String] = []
                for _ in 0..<Int.random(in: 2...5, using: &generator) { words.append(fillers.randomElement(using: &generator)!) }
                let group = groups.randomElement(using: &generator)!
                words.append(group.words[group.word(at: Double.random(in: 0..<1, using: &generator))])
                for _ in 0..<Int.random(in: 1...4, using: &generator) { words.append(fillers.randomElement(using: &generator)!) }
                let sentence = words.joined(separator: " ")
                return sentence.prefix(1).uppercased() + sentence.dropFirst() + "."
            }.joined(separator: " ")
        }
    }

    /// A seeded random number generator (SplitMix64).
    public struct Generator: RandomNumberGenerator {
        var state: UInt64
        public init(state: UInt64) { self.state = state }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
