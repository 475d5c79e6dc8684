import Foundation

/// Groups of interchangeable words, per language, with how often each word is used.
///
/// The watermark picks one word of a group by a keyed draw that follows these frequencies, so the
/// words keep their natural shares while the choice in each context follows the key. The text
/// format, one group per line, is documented in `docs/watermark.md`:
///
///     [en]
///     often 0.62 | frequently 0.38
///     (for) example 0.93 | instance 0.07
///     although 0.71 | though 0.29   !even !as
///
/// `(word)` restricts a group to that previous word; `!word` excludes a previous word.
///
/// An alternative may also be a contraction or the two words it stands for (`do not 0.35 | don't
/// 0.65`): such a group is a **contraction group**, and its sites need a following word that is not a
/// subject pronoun, so that questions ("don't you") and clause ends ("who I am.") are left alone.
public struct SynonymTable: Sendable {
    public struct Group: Sendable, Equatable {
        /// Stable name used in the keyed draw, e.g. `en:often` or `en:example@for`.
        public var id: String
        public var language: String
        /// Lower-case words, in the file's order.
        public var words: [String]
        /// How often each word is used; they sum to 1.
        public var frequencies: [Double]
        /// The group applies only after this word (lower case).
        public var requiredPrevious: String?
        /// The group does not apply after these words (lower case).
        public var excludedPrevious: Set<String>
        /// The words do not all take the same article (`a` / `an`), so the group is skipped after one.
        public var articleSensitive: Bool
        /// An alternative is a contraction or two words (`don't`, `do not`): a site needs a following
        /// word, and not a subject pronoun.
        public var isContraction: Bool {
            words.contains { $0.contains(" ") || $0.contains("'") }
        }

        /// The word a keyed draw `u` in [0, 1) picks: the frequencies laid end to end.
        public func word(at u: Double) -> Int {
            var cumulative = 0.0
            for (index, frequency) in frequencies.enumerated() {
                cumulative += frequency
                if u < cumulative { return index }
            }
            return frequencies.count - 1
        }
    }

    public private(set) var groups: [Group]
    /// Group index and word index of each word (two-word alternatives as `first second`).
    private var index: [String: (group: Int, word: Int)] = [:]
    /// The second words of two-word alternatives, by their first word.
    private var phraseSeconds: [String: Set<String>] = [:]

    public init(groups: [Group]) throws(SynonymTableError) {
        self.groups = []
        for group in groups { try add(group, line: nil) }
    }

    /// The group and word of a lower-case word, if it is in the table.
    public func lookup(_ word: String) -> (group: Group, word: Int)? {
        guard let found = index[word] else { return nil }
        return (groups[found.group], found.word)
    }

    /// The words that can follow `first` in a two-word alternative (`not` after `do`), if any.
    public func secondWords(after first: String) -> Set<String>? {
        phraseSeconds[first]
    }

    /// Whether a word can begin a contraction group's site: a contraction or the first of two words.
    public func beginsContraction(_ word: String) -> Bool {
        if phraseSeconds[word] != nil { return true }
        guard let found = index[word] else { return false }
        return groups[found.group].isContraction
    }

    public var languages: [String] { Array(Set(groups.map(\.language))).sorted() }
    public var wordCount: Int { index.count }

    private mutating func add(_ group: Group, line: Int?) throws(SynonymTableError) {
        for word in group.words {
            if let existing = index[word] {
                throw SynonymTableError(
                    line: line, message: "'\(word)' is already in group \(groups[existing.group].id); a word may be in one group only")
            }
            let parts = word.split(separator: " ").map(String.init)
            if parts.count == 2, index[parts[0]] != nil {
                throw SynonymTableError(
                    line: line, message: "'\(parts[0])' is a table word, so it cannot also begin the two-word alternative '\(word)'")
            }
            if parts.count == 1, phraseSeconds[word] != nil {
                throw SynonymTableError(
                    line: line, message: "'\(word)' already begins a two-word alternative; a word may be in one group only")
            }
        }
        for (position, word) in group.words.enumerated() {
            index[word] = (groups.count, position)
            let parts = word.split(separator: " ").map(String.init)
            if parts.count == 2 { phraseSeconds[parts[0], default: []].insert(parts[1]) }
        }
        groups.append(group)
    }
}

public struct SynonymTableError: Error, Sendable, CustomStringConvertible {
    public var file: String?
    public var line: Int?
    public var message: String

    public init(file: String? = nil, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        let place = [file, line.map { "line \($0)" }].compactMap { $0 }.joined(separator: ", ")
        return place.isEmpty ? message : "\(place): \(message)"
    }
}

extension SynonymTable {
    /// Reads the text format; errors name the line.
    public static func parse(_ text: String, file: String? = nil) throws(SynonymTableError) -> SynonymTable {
        var table = try SynonymTable(groups: [])
        var language: String?
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]"), trimmed.count > 2 else {
                    throw SynonymTableError(file: file, line: number, message: "a language header looks like [en]")
                }
                language = String(trimmed.dropFirst().dropLast())
                continue
            }
            guard let language else {
                throw SynonymTableError(file: file, line: number, message: "a group comes before any language header such as [en]")
            }
            do {
                try table.add(try group(trimmed, language: language), line: number)
            } catch var error {
                error.file = file
                error.line = number
                throw error
            }
        }
        return table
    }

    private static func group(_ line: String, language: String) throws(SynonymTableError) -> Group {
        var words: [String] = []
        var frequencies: [Double] = []
        var required: String?
        var excluded = Set<String>()
        for (position, part) in line.split(separator: "|").enumerated() {
            var fields = part.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            if position == 0, let first = fields.first, first.hasPrefix("("), first.hasSuffix(")") {
                required = String(first.dropFirst().dropLast()).lowercased()
                fields.removeFirst()
            }
            while let last = fields.last, last.hasPrefix("!") {
                excluded.insert(String(last.dropFirst()).lowercased())
                fields.removeLast()
            }
            guard fields.count == 2 || fields.count == 3, let frequency = Double(fields[fields.count - 1]), frequency > 0 else {
                throw SynonymTableError(
                    message: "each alternative is a word (or two) and its frequency, e.g. 'often 0.6' or 'do not 0.3'; got '\(part)'")
            }
            let word = fields.dropLast().joined(separator: " ")
            for piece in fields.dropLast() {
                let letters = piece.split(separator: "'", omittingEmptySubsequences: false)
                guard piece == piece.lowercased(), letters.count <= 2, letters.allSatisfy({ !$0.isEmpty }),
                    piece.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0 == "'" })
                else {
                    throw SynonymTableError(
                        message: "'\(piece)' must be a lower-case word of letters, with at most one apostrophe inside (don't)")
                }
            }
            words.append(word)
            frequencies.append(frequency)
        }
        guard words.count >= 2 else { throw SynonymTableError(message: "a group needs at least two words") }
        guard Set(words).count == words.count else { throw SynonymTableError(message: "a word is listed twice in the group") }
        let total = frequencies.reduce(0, +)
        guard abs(total - 1) < 0.02 else {
            throw SynonymTableError(message: "the frequencies add up to \(total); they must add up to 1")
        }
        let vowels = Set("aeiou")
        let articleClasses = Set(words.map { vowels.contains($0.first!) })
        return Group(
            id: "\(language):\(words[0])" + (required.map { "@" + $0 } ?? ""), language: language, words: words,
            frequencies: frequencies.map { $0 / total }, requiredPrevious: required, excludedPrevious: excluded,
            articleSensitive: articleClasses.count > 1)
    }
}
