import DistillGuardCore

/// A fixed key: the properties hold for every key, and a fixed one keeps failures reproducible.
let fuzzWatermark = try! Watermark(key: Array(0..<32))

/// The watermarking stream rewriter on arbitrary text.
///
/// - Fed in pieces (a stream's deltas, split anywhere), the output is exactly the watermark of the
///   whole text.
/// - Only words change, and only into words of the same group: every character that is not a
///   letter stays where it was (except the apostrophe of a contraction and the space of the two
///   words it stands for: "don't" for "do not"), and every fenced code block comes out verbatim.
enum WatermarkTarget {
    static func run(_ bytes: [UInt8]) {
        guard let seed = bytes.first else { return }
        let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
        let whole = fuzzWatermark.apply(to: text)
        var stream = WatermarkStream(fuzzWatermark)
        var streamed = ""
        for piece in pieces(Array(text), seed: seed) { streamed += stream.feed(String(piece)) }
        streamed += stream.finish()
        require(streamed == whole, "streamed in pieces, the watermarked text differs from the whole text's")
        require(
            skeleton(joiningContractions(whole)) == skeleton(joiningContractions(text)),
            "something other than a word changed: \(text.debugDescription.prefix(300))")
        let wholeScalars = Array(whole.unicodeScalars)
        for block in fencedBlocks(text) {
            require(
                wholeScalars.contains(Array(block.unicodeScalars)),
                "a fenced code block changed: \(block.debugDescription.prefix(300))")
        }
    }

    /// The text with an apostrophe between letters, and the space between the two words of a
    /// table alternative ("do not"), replaced by a letter: a contraction and its two words are
    /// then one run of letters each.
    static func joiningContractions(_ text: String) -> String {
        let characters = Array(text)
        var out = characters
        func word(from start: Int, forward: Bool) -> String {
            var letters: [Character] = []
            var index = start
            while index >= 0 && index < characters.count
                && (characters[index].isLetter || characters[index] == "'" || characters[index] == "\u{2019}")
            {
                letters.append(characters[index] == "\u{2019}" ? "'" : characters[index])
                index += forward ? 1 : -1
            }
            return String(forward ? letters : letters.reversed()).lowercased()
        }
        // Left to right, as the scanner reads: in "they are not" the site is "they are", so "are
        // not" is not joined.
        var joinedThrough = -1
        for index in characters.indices.dropFirst().dropLast() where characters[index - 1].isLetter && characters[index + 1].isLetter {
            if characters[index] == "'" || characters[index] == "\u{2019}" {
                out[index] = "a"
            } else if characters[index] == " ", index > joinedThrough {
                let second = word(from: index + 1, forward: true)
                if fuzzWatermark.table.lookup(word(from: index - 1, forward: false) + " " + second) != nil {
                    out[index] = "a"
                    joinedThrough = index + 1 + second.count
                }
            }
        }
        return String(out)
    }

    /// The text with every run of letters replaced by one placeholder.
    static func skeleton(_ text: String) -> [Character] {
        var out: [Character] = []
        for character in text {
            if character.isLetter {
                if out.last != "\u{FFFC}" { out.append("\u{FFFC}") }
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// Fenced code blocks as CommonMark reads them, fence lines included: opened by a line that
    /// starts (after up to three spaces) with three or more backticks, closed by a line of at least
    /// as many backticks and nothing else but spaces (a line such as ```python inside a block is code).
    /// Read by Unicode scalars, as the scanner and CommonMark do: a combining mark after a backtick
    /// does not hide it, and `\r\n` ends a line at its `\n`.
    static func fencedBlocks(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: (lines: [ArraySlice<Unicode.Scalar>], length: Int)?
        for line in Array(text.unicodeScalars).split(separator: "\n", omittingEmptySubsequences: false) {
            let indent = line.prefix(3).prefix { $0 == " " }.count
            let run = line.dropFirst(indent).prefix { $0 == "`" }.count
            if var open = current {
                open.lines.append(line)
                let rest = line.dropFirst(indent + run)
                if run >= open.length && rest.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
                    blocks.append(String(String.UnicodeScalarView(Array(open.lines.joined(separator: ["\n"])))))
                    current = nil
                } else {
                    current = open
                }
            } else if run >= 3 {
                current = ([line], run)
            }
        }
        return blocks
    }
}

/// The prose scanner (which words a watermark may set, and what it must leave alone) on arbitrary text.
///
/// - Watermarking only swaps words within their groups, so the scanner finds the same sites, in
///   the same groups, in the watermarked text as in the original: what is protected (code, JSON,
///   math, quotes, markup) does not depend on which synonym was chosen.
enum ProseTarget {
    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let before = SynonymTable.sites(in: text, table: fuzzWatermark.table)
        let after = SynonymTable.sites(in: fuzzWatermark.apply(to: text), table: fuzzWatermark.table)
        require(
            before.map(\.group.id) == after.map(\.group.id),
            "the scanner finds other sites once the text is watermarked (\(before.count) before, \(after.count) after): \(text.debugDescription.prefix(300))"
        )
        for site in before { require(site.word >= 0 && site.word < site.group.words.count, "a site's word is outside its group") }
    }
}
