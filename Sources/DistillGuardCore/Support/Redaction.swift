import Foundation

/// Removes personal data from text before it is shown as evidence: e-mail addresses, API keys and
/// tokens, phone numbers, card-like digit runs, and the user name in home-directory paths.
public enum Redaction {
    public static func redact(_ text: String) -> String {
        redactWords(redactNumberRuns(redactHomeDirectories(text)))
    }

    /// Directories whose next path segment is a person's login name: macOS and Linux homes,
    /// Windows profiles (also with JSON-escaped backslashes), WSL's view of them.
    static let homeDirectories = ["/Users/", "/home/", "\\Users\\", "\\Documents and Settings\\", "\\\\Users\\\\"]

    /// Replaces the segment after a home directory (`/Users/first.last/src` becomes
    /// `/Users/[user]/src`). A Windows profile name may hold spaces, so there the segment runs to
    /// the next backslash (at most 64 characters, never across a line).
    static func redactHomeDirectories(_ text: String) -> String {
        guard homeDirectories.contains(where: { text.range(of: $0, options: .caseInsensitive) != nil }) else { return text }
        var output = ""
        var rest = text[...]
        while let (marker, range) = homeDirectories.compactMap({ marker in
            rest.range(of: marker, options: .caseInsensitive).map { (marker, $0) }
        }).min(by: { $0.1.lowerBound < $1.1.lowerBound }) {
            output += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            let windows = marker.hasPrefix("\\")
            var end = rest.startIndex
            var length = 0
            while end < rest.endIndex, length < 64 {
                let character = rest[end]
                if character == "/" || character == "\\" || character.isNewline || character == "\"" || character == "'" { break }
                if !windows && (character.isWhitespace || ",;:)]}>`".contains(character)) { break }
                end = rest.index(after: end)
                length += 1
            }
            guard end > rest.startIndex, end == rest.endIndex || length < 64 else { continue }
            output += "[user]"
            rest = rest[end...]
        }
        return output + rest
    }

    /// Replaces runs of digits and phone punctuation holding 9 or more digits (phone and card
    /// numbers written with spaces, dashes or brackets).
    static func redactNumberRuns(_ text: String) -> String {
        let characters = Array(text)
        var output = ""
        var index = 0
        while index < characters.count {
            guard characters[index].isNumber || characters[index] == "+" || characters[index] == "(" else {
                output.append(characters[index])
                index += 1
                continue
            }
            var end = index
            var digits = 0
            while end < characters.count, characters[end].isNumber || "+-(). ".contains(characters[end]) {
                if characters[end].isNumber { digits += 1 }
                end += 1
            }
            while end > index, !characters[end - 1].isNumber && characters[end - 1] != ")" { end -= 1 }
            if digits >= 9, end > index {
                output += digits >= 13 ? "[card]" : "[phone]"
                index = end
            } else {
                output.append(characters[index])
                index += 1
            }
        }
        return output
    }

    static func redactWords(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if !output.isEmpty || word.isEmpty { output += output.isEmpty && word.isEmpty ? "" : " " }
            output += redactWord(word)
        }
        return output
    }

    static func redactWord(_ word: Substring) -> String {
        let core = word.trimmingPunctuation
        if core.contains("@"), core.contains("."), core.first != "@" { return word.replacingCore(core, with: "[email]") }
        let lower = core.lowercased()
        if lower.hasPrefix("sk-") || lower.hasPrefix("sk_") || lower.hasPrefix("pk_") || lower.hasPrefix("ghp_") || lower.hasPrefix("xox")
            || lower.hasPrefix("akia")
            || (core.count >= 32 && core.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
                && core.contains(where: \.isNumber) && core.contains(where: \.isLetter))
        {
            return word.replacingCore(core, with: "[key]")
        }
        let digits = core.filter(\.isNumber).count
        let phoneLike = core.allSatisfy { $0.isNumber || "+-(). ".contains($0) }
        if digits >= 9 && phoneLike { return word.replacingCore(core, with: digits >= 13 ? "[card]" : "[phone]") }
        return String(word)
    }
}

extension Substring {
    var trimmingPunctuation: Substring {
        var slice = self
        while let first = slice.first, ",;:!?()[]{}<>\"'".contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, ",;:!?()[]{}<>\"'.".contains(last) { slice = slice.dropLast() }
        return slice
    }

    func replacingCore(_ core: Substring, with replacement: String) -> String {
        String(self[startIndex..<core.startIndex]) + replacement + String(self[core.endIndex..<endIndex])
    }
}
