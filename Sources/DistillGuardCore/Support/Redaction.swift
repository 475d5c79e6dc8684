/// Removes personal data from text before it is shown as evidence: e-mail addresses, API keys and
/// tokens, phone numbers, and card-like digit runs.
public enum Redaction {
    public static func redact(_ text: String) -> String {
        redactWords(redactNumberRuns(text))
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
