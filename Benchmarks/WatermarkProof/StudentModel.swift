/// A trigram language model with Witten-Bell interpolation: the "student" a rival would train on
/// harvested outputs, small enough to train and sample on one machine in seconds.
struct StudentModel {
    private(set) var vocabulary: [String] = []
    private var ids: [String: Int32] = [:]
    /// Next-token occurrences after (previous two tokens), after (previous token), and overall.
    private var trigrams: [UInt64: [Int32]] = [:]
    private var bigrams: [UInt64: [Int32]] = [:]
    private var unigrams: [Int32] = []
    private var distinct: [UInt64: Int] = [:]
    private var distinctBigram: [UInt64: Int] = [:]

    static let boundary: Int32 = 0

    init() {
        vocabulary = ["<s>"]
        ids["<s>"] = 0
    }

    /// Learns from one text.
    mutating func train(_ text: String) {
        var previous2 = Self.boundary
        var previous = Self.boundary
        for token in Tokenizer.tokens(text).map(Optional.some) + [nil] {
            let next = token.map { identifier(of: $0) } ?? Self.boundary
            trigrams[Self.key(previous2, previous), default: []].append(next)
            bigrams[UInt64(UInt32(bitPattern: previous)), default: []].append(next)
            unigrams.append(next)
            previous2 = previous
            previous = next
        }
    }

    /// Counts distinct continuations; call once after training.
    mutating func freeze() {
        distinct = trigrams.mapValues { Set($0).count }
        distinctBigram = bigrams.mapValues { Set($0).count }
    }

    /// One generated text of at most `limit` tokens.
    func sample(limit: Int, using generator: inout some RandomNumberGenerator) -> String {
        var previous2 = Self.boundary
        var previous = Self.boundary
        var tokens: [String] = []
        while tokens.count < limit {
            let next = draw(previous2, previous, using: &generator)
            if next == Self.boundary { break }
            tokens.append(vocabulary[Int(next)])
            previous2 = previous
            previous = next
        }
        return Tokenizer.join(tokens)
    }

    private func draw(_ previous2: Int32, _ previous: Int32, using generator: inout some RandomNumberGenerator) -> Int32 {
        let key3 = Self.key(previous2, previous)
        if let seen = trigrams[key3] {
            let types = Double(distinct[key3] ?? 1)
            if Double.random(in: 0..<1, using: &generator) < Double(seen.count) / (Double(seen.count) + types) {
                return seen.randomElement(using: &generator)!
            }
        }
        let key2 = UInt64(UInt32(bitPattern: previous))
        if let seen = bigrams[key2] {
            let types = Double(distinctBigram[key2] ?? 1)
            if Double.random(in: 0..<1, using: &generator) < Double(seen.count) / (Double(seen.count) + types) {
                return seen.randomElement(using: &generator)!
            }
        }
        return unigrams.randomElement(using: &generator)!
    }

    private mutating func identifier(of token: String) -> Int32 {
        if let id = ids[token] { return id }
        let id = Int32(vocabulary.count)
        vocabulary.append(token)
        ids[token] = id
        return id
    }

    private static func key(_ a: Int32, _ b: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
    }
}

/// Splits text into words and punctuation, and joins tokens back into readable text.
enum Tokenizer {
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var word = String.UnicodeScalarView()
        func flush() {
            if !word.isEmpty { tokens.append(String(word)) }
            word = String.UnicodeScalarView()
        }
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || (scalar == "'" && !word.isEmpty) {
                word.append(scalar)
            } else {
                flush()
                if scalar == "\n" {
                    if tokens.last != "\n" { tokens.append("\n") }
                } else if !scalar.properties.isWhitespace {
                    tokens.append(String(scalar))
                }
            }
        }
        flush()
        return tokens
    }

    static func join(_ tokens: [String]) -> String {
        var text = ""
        for token in tokens {
            let attaches = token == "\n" || [",", ".", ";", ":", "!", "?", ")"].contains(token)
            if !text.isEmpty && !attaches && text.last != "\n" && text.last != "(" { text += " " }
            text += token
        }
        return text
    }
}
