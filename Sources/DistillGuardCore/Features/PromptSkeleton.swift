/// A prompt with its slot content masked: what stays the same when a template is filled in.
///
/// Numbers, code, quoted material, URLs, e-mail addresses and capitalised names become
/// placeholders (`<num>`, `<id>`, `<code>`, `<q>`, `<url>`, `<email>`, `<name>`); words are
/// lower-cased; CJK text is split per character so that languages without spaces are handled alike.
public struct PromptSkeleton: Sendable, Equatable {
    /// Stable hashes of the skeleton's tokens, in order (at most `maximumTokens`).
    public var tokenHashes: [UInt64]

    public static let maximumTokens = 400
    static let displayTokens = 60
    /// Scalars of a prompt that `text(of:)` reads.
    static let displayScalars = 2_000

    public init(_ prompt: String) {
        var tokens: [UInt64] = []
        tokens.reserveCapacity(64)
        var tokenizer = SkeletonTokenizer(prompt, limit: 8_000)
        while tokens.count < Self.maximumTokens, let token = tokenizer.next() {
            tokens.append(token.hash)
        }
        tokenHashes = tokens
    }

    /// A readable form of a prompt's first skeleton tokens, for evidence and reports. Built only
    /// when needed (a template's first prompt), not for every exchange.
    public static func text(of prompt: String) -> String {
        var display: [String] = []
        var tokenizer = SkeletonTokenizer(prompt, limit: displayScalars)
        while display.count < displayTokens, let token = tokenizer.next() { display.append(tokenizer.text(of: token)) }
        return display.joined(separator: " ")
    }
}

/// Splits text into skeleton tokens without allocating per token: words are hashed straight from
/// their scalars (ASCII letters folded to lower case), and text is built only for display.
struct SkeletonTokenizer {
    enum Token {
        case placeholder(StaticString, hash: UInt64)
        case word(Range<Int>, hash: UInt64)

        var hash: UInt64 {
            switch self {
            case .placeholder(_, let hash), .word(_, let hash): hash
            }
        }
    }

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var atSentenceStart = true

    /// - Parameter limit: scalars looked at; the skeleton of a prompt's opening is what matters.
    init(_ text: String, limit: Int) {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(min(text.utf8.count, limit))
        for scalar in text.unicodeScalars {
            if scalars.count == limit { break }
            scalars.append(scalar)
        }
        self.scalars = scalars
    }

    func text(of token: Token) -> String {
        switch token {
        case .placeholder(let name, _): return name.description
        case .word(let range, _): return String(String.UnicodeScalarView(scalars[range])).lowercased()
        }
    }

    static func placeholder(_ name: StaticString) -> Token {
        .placeholder(name, hash: StableHash.hash(name.description))
    }

    static let code = placeholder("<code>")
    static let quote = placeholder("<q>")
    static let url = placeholder("<url>")
    static let email = placeholder("<email>")
    static let number = placeholder("<num>")
    static let identifier = placeholder("<id>")
    static let name = placeholder("<name>")

    // MARK: Character classes, ASCII first

    @inline(__always) static func isLetter(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 128 { return (v >= 65 && v <= 90) || (v >= 97 && v <= 122) }
        return c.properties.isAlphabetic && !isCJK(c)
    }

    @inline(__always) static func isDigit(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 128 { return v >= 48 && v <= 57 }
        return c.properties.numericType != nil
    }

    @inline(__always) static func isUpper(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        if v < 128 { return v >= 65 && v <= 90 }
        return c.properties.isUppercase
    }

    @inline(__always) static func isTokenStart(_ c: Unicode.Scalar) -> Bool {
        isLetter(c) || isDigit(c) || isCJK(c) || c == "`" || c == "\"" || c == "“" || c == "「" || c == "«" || c == "@" || c == "_"
    }

    static func isCJK(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF: return true
        default: return false
        }
    }

    // MARK: Scanning

    mutating func next() -> Token? {
        while true {
            skipSeparators()
            guard index < scalars.count else { return nil }
            let c = scalars[index]
            if (c == "h" && (matches("http://") || matches("https://"))) || (c == "w" && matches("www.")) {
                while index < scalars.count, scalars[index] != " ", scalars[index] != "\n", scalars[index] != "\t" { index += 1 }
                atSentenceStart = false
                return Self.url
            }
            if c == "`" {
                if matches("```") {
                    skipFence()
                    return Self.code
                }
                index += 1
                continue
            }
            if c == "\"" || c == "“" || c == "「" || c == "«" {
                if skipQuoted(opening: c) { return Self.quote }
                index += 1
                continue
            }
            if Self.isCJK(c) {
                index += 1
                atSentenceStart = false
                return .word(index - 1..<index, hash: StableHash.hash(UInt64(c.value), seed: 0xC7C))
            }
            return word()
        }
    }

    private mutating func word() -> Token {
        let start = index
        var hasLetter = false
        var hasDigit = false
        var hasAt = false
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        while index < scalars.count {
            let c = scalars[index]
            if Self.isLetter(c) {
                hasLetter = true
            } else if Self.isDigit(c) {
                hasDigit = true
            } else if c == "@" {
                hasAt = true
            } else if c == "/" || c == ":" || c == "." || c == "-" || c == "_" || c == "'" {
                // Joined tokens (file names, contractions, addresses) stay together only when a letter or digit follows.
                guard index + 1 < scalars.count, Self.isLetter(scalars[index + 1]) || Self.isDigit(scalars[index + 1]) else { break }
            } else {
                break
            }
            var v = c.value
            if v >= 65 && v <= 90 { v |= 0x20 }
            hash = (hash ^ UInt64(v)) &* 0x100_0000_01B3
            index += 1
        }
        if index == start {
            index += 1
            return Self.placeholder("<sym>")
        }
        let wasSentenceStart = atSentenceStart
        let next = index < scalars.count ? scalars[index] : " "
        atSentenceStart = next == "." || next == "?" || next == "!" || next == ":"
        if hasAt && hasLetter { return Self.email }
        if hasDigit { return hasLetter && !Self.isDigit(scalars[start]) ? Self.identifier : Self.number }
        if !wasSentenceStart, Self.isUpper(scalars[start]), index - start > 1 { return Self.name }
        return .word(start..<index, hash: StableHash.hash(hash))
    }

    private mutating func skipSeparators() {
        while index < scalars.count {
            let c = scalars[index]
            if c == "\n" || c == "." || c == "?" || c == "!" || c == "。" || c == "？" || c == "！" { atSentenceStart = true }
            if Self.isTokenStart(c) { return }
            index += 1
        }
    }

    private func matches(_ literal: StaticString) -> Bool {
        var i = index
        for byte in UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount) {
            guard i < scalars.count, scalars[i].value == UInt32(byte) else { return false }
            i += 1
        }
        return true
    }

    private mutating func skipFence() {
        index += 3
        while index < scalars.count {
            if scalars[index] == "`", matches("```") {
                index += 3
                return
            }
            index += 1
        }
    }

    /// Skips a quotation of more than three characters on one line; false (nothing skipped) otherwise.
    private mutating func skipQuoted(opening: Unicode.Scalar) -> Bool {
        let closing: Unicode.Scalar = opening == "“" ? "”" : (opening == "「" ? "」" : (opening == "«" ? "»" : "\""))
        var i = index + 1
        while i < scalars.count, i - index < 2000 {
            if scalars[i] == closing {
                if i - index > 3 {
                    index = i + 1
                    return true
                }
                return false
            }
            if scalars[i] == "\n" { return false }
            i += 1
        }
        return false
    }
}
