/// Removes personal data from text before it is shown as evidence: e-mail addresses, API keys and
/// tokens, phone numbers, and card-like digit runs.
public enum Redaction {
    public static func redact(_ text: String) -> String {
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
