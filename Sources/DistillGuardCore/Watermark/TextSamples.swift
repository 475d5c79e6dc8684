import Foundation

/// Texts in JSON Lines, one `{"text": "..."}` object per line: what `distillguard attribute` reads
/// from a suspect model and `distillguard watermark` reads and writes.
public enum TextSamples {
    /// Reads every line's `text`; a line that is not such an object fails with its line number.
    /// Blank lines are skipped. `path` `-` is standard input.
    public static func read(_ path: String) throws(FileError) -> [String] {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw FileError(path: path, message: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
            }
            data = contents
        }
        var texts: [String] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { continue }
            let value: JSONValue
            do {
                value = try JSONParser.parse(line)
            } catch {
                throw FileError(path: path, message: "line \(lineNumber): not JSON (\(error.description))")
            }
            guard let text = value["text"]?.stringValue else {
                throw FileError(path: path, message: "line \(lineNumber): expected an object with a string field \"text\"")
            }
            texts.append(text)
        }
        return texts
    }

    /// One JSON Lines line for a text.
    public static func line(_ text: String) -> String {
        JSONWriter.string(["text": .string(text)])
    }
}

extension SynonymTable {
    /// The table with each group's frequencies measured on `texts` (add-one smoothed, so no word
    /// gets a zero share); groups never seen keep their frequencies.
    public func calibrated(on texts: [String]) -> SynonymTable {
        var counts: [String: [Int]] = [:]
        for text in texts {
            for site in Self.sites(in: text, table: self) {
                counts[site.group.id, default: Array(repeating: 0, count: site.group.words.count)][site.word] += 1
            }
        }
        var groups = self.groups
        for index in groups.indices {
            guard let seen = counts[groups[index].id] else { continue }
            let total = Double(seen.reduce(0, +) + seen.count)
            groups[index].frequencies = seen.map { Double($0 + 1) / total }
        }
        // The groups were valid before, and only frequencies changed.
        return try! SynonymTable(groups: groups)
    }

    /// The table in its text format (`docs/watermark.md`), frequencies to three places.
    public var text: String {
        var lines: [String] = []
        var language: String?
        for group in groups {
            if group.language != language {
                if language != nil { lines.append("") }
                lines.append("[\(group.language)]")
                language = group.language
            }
            let shares = group.frequencies.map { max(0.001, ($0 * 1000).rounded() / 1000) }
            var line = zip(group.words, shares).map { "\($0) \($1)" }.joined(separator: " | ")
            if let required = group.requiredPrevious { line = "(\(required)) " + line }
            if !group.excludedPrevious.isEmpty { line += "   " + group.excludedPrevious.sorted().map { "!" + $0 }.joined(separator: " ") }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
