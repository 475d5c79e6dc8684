/// Line-by-line access to any JSON Lines file (labels, corpora), plain or gzip or `-`.
public enum JSONLinesFile {
    /// Calls `body` with each non-blank line (byte-order mark and `\r` removed), in bounded memory.
    public static func forEachLine(_ path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var lines = LineReader(source: try ByteSources.open(path))
        defer { lines.deallocate() }
        try lines.forEach { piece in
            if case .line(let raw, _) = piece, let content = EventLine.content(of: raw) {
                try body(content)
            }
        }
        if let problem = lines.endProblem { throw FileError(path: path, message: problem) }
    }
}
