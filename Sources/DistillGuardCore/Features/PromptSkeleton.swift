/// A prompt with its slot content masked: what stays the same when a template is filled in.
///
/// Numbers, code, quoted material, URLs, e-mail addresses and capitalised names become
/// placeholders (`<num>`, `<code>`, `<q>`, `<url>`, `<email>`, `<name>`); words are lower-cased;
/// CJK text is split per character so that languages without spaces are handled alike.
public struct PromptSkeleton: Sendable, Equatable {
    /// Stable hashes of the skeleton's tokens, in order (at most `maximumTokens`).
    public var tokenHashes: [UInt64]
    /// A readable form of the first tokens, for evidence and reports.
    public var text: String

    public static let maximumTokens = 400
    static let displayTokens = 60

    public init(_ prompt: String) {
        var tokens: [UInt64] = []
        var display: [String] = []
        tokens.reserveCapacity(64)
        var tokenizer = SkeletonTokenizer(prompt)
        while tokens.count < Self.maximumTokens, let token = tokenizer.next() {
            tokens.append(StableHash.hash(token))
            if display.count < Self.displayTokens { display.append(token) }
        }
        tokenHashes = tokens
        text = display.joined(separator: " ")
    }
}

/// Splits text into skeleton tokens.
struct SkeletonTokenizer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var atSentenceStart = true

    init(_ text: String) {
        scalars = Array(text.unicodeScalars.prefix(20_000))
    }

    mutating func next() -> String? {
        skipSpaceAndPunctuation()
        guard index < scalars.count else { return nil }
        let c = scalars[index]
        if (c == "h" && (matches("http://") || matches("https://"))) || (c == "w" && matches("www.")) {
            while index < scalars.count, !scalars[index].properties.isWhitespace { index += 1 }
            atSentenceStart = false
            return "<url>"
        }
        if c == "`" && matches("```") {
            skipFence()
            return "<code>"
        }
        if c == "\"" || c == "“" || c == "「" || c == "«" {
            if skipQuoted(opening: c) { return "<q>" }
        }
        if Self.isCJK(c) {
            index += 1
            atSentenceStart = false
            return String(Character(c))
        }
        if c.properties.numericType != nil || c.properties.isAlphabetic || c == "_" || c == "@" {
            return word()
        }
        index += 1
        return next()
    }

    private mutating func word() -> String {
        let start = index
        var hasLetter = false
        var hasDigit = false
        var hasAt = false
        var hasSlash = false
        while index < scalars.count {
            let c = scalars[index]
            if c.properties.isAlphabetic && !Self.isCJK(c) {
                hasLetter = true
            } else if c.properties.numericType != nil {
                hasDigit = true
            } else if c == "@" {
                hasAt = true
            } else if c == "/" || c == ":" || c == "." || c == "-" || c == "_" || c == "'" {
                if c == "/" { hasSlash = true }
                // Keep joined tokens (urls, file names, contractions) together only when a letter or digit follows.
                guard index + 1 < scalars.count,
                    scalars[index + 1].properties.isAlphabetic || scalars[index + 1].properties.numericType != nil
                else { break }
            } else {
                break
            }
            index += 1
        }
        let raw = String(String.UnicodeScalarView(scalars[start..<index]))
        let wasSentenceStart = atSentenceStart
        atSentenceStart =
            index < scalars.count && (scalars[index] == "." || scalars[index] == "?" || scalars[index] == "!" || scalars[index] == ":")
        if hasAt && hasLetter { return "<email>" }
        if hasSlash && (raw.hasPrefix("http") || raw.contains("://") || raw.hasPrefix("www")) { return "<url>" }
        if hasDigit { return hasLetter && !raw.first!.isNumber ? "<id>" : "<num>" }
        if !wasSentenceStart, let first = raw.unicodeScalars.first, first.properties.isUppercase, raw.count > 1 { return "<name>" }
        return raw.lowercased()
    }

    private mutating func skipSpaceAndPunctuation() {
        while index < scalars.count {
            let c = scalars[index]
            if c == "\n" || c == "." || c == "?" || c == "!" || c == "。" || c == "？" || c == "！" { atSentenceStart = true }
            if c.properties.isWhitespace
                || (c.properties.isAlphabetic == false && c.properties.numericType == nil && c != "`" && c != "\""
                    && c != "“" && c != "「" && c != "«" && c != "@" && c != "_" && !Self.isCJK(c))
            {
                index += 1
            } else {
                return
            }
        }
    }

    private func matches(_ literal: String) -> Bool {
        var i = index
        for s in literal.unicodeScalars {
            guard i < scalars.count, scalars[i] == s else { return false }
            i += 1
        }
        return true
    }

    private mutating func skipFence() {
        index += 3
        while index < scalars.count {
            if matches("```") {
                index += 3
                return
            }
            index += 1
        }
    }

    /// Skips a quotation of at least three characters on one line; false (nothing skipped) otherwise.
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

    static func isCJK(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF: return true
        default: return false
        }
    }
}
