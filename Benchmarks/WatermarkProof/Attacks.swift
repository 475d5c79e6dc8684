import DistillGuardCore
import Foundation

/// What an attacker does to watermarked text before using it, and what each attack costs the text.
struct Attack {
    var name: String
    /// What a reader of the attacked text notices.
    var visible: String
    /// Rewrites one marked text; `plain` is the text before it was marked (for mixing).
    var apply: (_ marked: String, _ plain: String, _ generator: inout SeededGenerator) -> String?
}

/// A general thesaurus: WordNet's most frequent sense of each word (in the part of speech with the
/// most tagged senses), one-word synonyms only, function words left out. Read from the database
/// files of Debian's `wordnet-base` (`/usr/share/wordnet`).
struct Thesaurus {
    private(set) var synonyms: [String: [String]] = [:]

    /// Words an attacker would not swap: articles, pronouns, prepositions, auxiliaries.
    static let functionWords: Set<String> = [
        "a", "an", "the", "i", "you", "he", "she", "it", "we", "they", "me", "him", "her", "us", "them", "my", "your", "his", "its",
        "our", "their", "this", "that", "these", "those", "in", "on", "at", "to", "of", "for", "with", "by", "from", "as", "into",
        "about", "and", "or", "but", "if", "so", "not", "no", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does",
        "did", "have", "has", "had", "will", "would", "can", "could", "should", "may", "might", "must", "what", "which", "who", "how",
        "when", "where", "why", "there", "here", "all", "any", "some", "one", "up", "out", "more", "most", "very", "just", "also",
    ]

    init(directory: String) throws {
        var best: [String: (tagged: Int, words: [String])] = [:]
        for pos in ["noun", "verb", "adj", "adv"] {
            var synsets: [Int: [String]] = [:]
            for line in try Self.lines(directory + "/data." + pos) where !line.hasPrefix(" ") {
                let fields = line.split(separator: " ")
                guard fields.count > 4, let offset = Int(fields[0]), let count = Int(fields[3], radix: 16) else { continue }
                synsets[offset] = (0..<count).compactMap { index -> String? in
                    let word = fields[4 + 2 * index].lowercased()
                    // Adjective markers such as "(a)" are dropped; multi-word lemmas are left out.
                    let bare = word.split(separator: "(").first.map(String.init) ?? word
                    return bare.allSatisfy(\.isLetter) ? bare : nil
                }
            }
            // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
            for line in try Self.lines(directory + "/index." + pos) where !line.hasPrefix(" ") {
                let fields = line.split(separator: " ")
                guard fields.count > 4, let pointers = Int(fields[3]) else { continue }
                let lemma = String(fields[0])
                guard lemma.allSatisfy(\.isLetter), !Self.functionWords.contains(lemma), fields.count > 6 + pointers,
                    let tagged = Int(fields[5 + pointers]), let first = Int(fields[6 + pointers])
                else { continue }
                if let known = best[lemma], known.tagged >= tagged { continue }
                best[lemma] = (tagged, (synsets[first] ?? []).filter { $0 != lemma })
            }
        }
        for (lemma, entry) in best where !entry.words.isEmpty { synonyms[lemma] = entry.words }
    }

    private static func lines(_ path: String) throws -> [Substring] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
    }

    /// The text with `rate` of its words that have a synonym replaced by a random one (capitals kept).
    func substitute(_ text: String, rate: Double, generator: inout SeededGenerator) -> String {
        var output = ""
        var word = ""
        func flush() {
            defer { word = "" }
            guard !word.isEmpty else { return }
            let lower = word.lowercased()
            guard let choices = synonyms[lower], Double.random(in: 0..<1, using: &generator) < rate else {
                output += word
                return
            }
            let pick = choices.randomElement(using: &generator)!
            output += word.first!.isUppercase ? pick.prefix(1).uppercased() + pick.dropFirst() : pick
        }
        for character in text {
            if character.isLetter {
                word.append(character)
            } else {
                flush()
                output.append(character)
            }
        }
        flush()
        return output
    }
}

enum Sentences {
    /// The text cut after `.`, `?` or `!` followed by a space or a line break (separators kept).
    static func split(_ text: String) -> [String] {
        var sentences: [String] = []
        var current = ""
        var previous: Character?
        for character in text {
            if let previous, ".?!".contains(previous), character == " " || character == "\n" {
                sentences.append(current)
                current = ""
            }
            current.append(character)
            previous = character
        }
        if !current.isEmpty { sentences.append(current) }
        return sentences
    }

    /// Each sentence dropped with probability `rate` (at least one kept).
    static func delete(_ text: String, rate: Double, generator: inout SeededGenerator) -> String {
        let sentences = split(text)
        let kept = sentences.filter { _ in Double.random(in: 0..<1, using: &generator) >= rate }
        return kept.isEmpty ? (sentences.first ?? text) : kept.joined()
    }

    /// `rate` of the sentences moved to random places.
    static func shuffle(_ text: String, rate: Double, generator: inout SeededGenerator) -> String {
        var sentences = split(text).map { $0.hasPrefix(" ") || $0.hasPrefix("\n") ? $0 : " " + $0 }
        let moves = Int((Double(sentences.count) * rate).rounded())
        for _ in 0..<moves where sentences.count > 1 {
            let sentence = sentences.remove(at: Int.random(in: 0..<sentences.count, using: &generator))
            sentences.insert(sentence, at: Int.random(in: 0...sentences.count, using: &generator))
        }
        return String(sentences.joined().drop { $0 == " " })
    }
}

/// How much of a text an attack changed: the share of the marked text's words that are not in the
/// attacked text (as a multiset: a moved word is not counted, a replaced or deleted one is).
func changedShare(_ marked: [String], _ attacked: [String]) -> Double {
    var words: [String: Int] = [:]
    var total = 0
    for text in marked {
        for token in Tokenizer.tokens(text) where token.first?.isLetter == true {
            words[token.lowercased(), default: 0] += 1
            total += 1
        }
    }
    var kept = 0
    for text in attacked {
        for token in Tokenizer.tokens(text) where token.first?.isLetter == true {
            if let left = words[token.lowercased()], left > 0 {
                words[token.lowercased()] = left - 1
                kept += 1
            }
        }
    }
    return total == 0 ? 0 : 1 - Double(kept) / Double(total)
}
