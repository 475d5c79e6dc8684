/// Splits a byte stream into lines in bounded memory.
///
/// Lines end at `\n`; a trailing `\r` is left in place for the caller (who needs the raw bytes for
/// the reject file). A line longer than `maximumLineBytes` is not held in memory: it is handed out
/// in pieces, marked as over-long, so it can still be copied unchanged to the reject file.
struct LineReader {
    enum Piece {
        /// A complete line, without its `\n`.
        case line(UnsafeRawBufferPointer, number: Int)
        /// Part of an over-long line; `isLast` marks the piece that ended it.
        case overlong(UnsafeRawBufferPointer, number: Int, isFirst: Bool, isLast: Bool)
    }

    static let defaultMaximumLineBytes = 64 << 20

    private var source: any ByteSource
    private var buffer: UnsafeMutableRawBufferPointer
    private let maximumLineBytes: Int
    private(set) var lineNumber = 0

    init(source: any ByteSource, maximumLineBytes: Int = LineReader.defaultMaximumLineBytes, chunkBytes: Int = 1 << 20) {
        self.source = source
        self.maximumLineBytes = maximumLineBytes
        self.buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunkBytes, 16), alignment: 8)
    }

    var bytesConsumed: Int64 { source.bytesConsumed }
    var totalBytes: Int64? { source.totalBytes }
    var endProblem: String? { source.endProblem }

    func deallocate() {
        buffer.deallocate()
        source.close()
    }

    /// Calls `body` for every line and over-long piece until the source ends. A final line without
    /// a trailing newline is still a line.
    mutating func forEach(_ body: (Piece) throws -> Void) throws {
        var start = 0
        var end = 0
        var overlongNumber: Int?
        while true {
            if end - start > maximumLineBytes || (overlongNumber != nil && end > start) {
                // No newline within the limit: hand out what we hold as part of an over-long line.
                let number = overlongNumber ?? (lineNumber + 1)
                if overlongNumber == nil { lineNumber += 1 }
                let piece = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
                try body(.overlong(piece, number: number, isFirst: overlongNumber == nil, isLast: false))
                overlongNumber = number
                start = 0
                end = 0
            }
            if end == buffer.count {
                if start > 0 {
                    // Move the partial line to the front.
                    let pending = end - start
                    if pending > 0 { buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: pending) }
                    start = 0
                    end = pending
                } else {
                    grow()
                }
            }
            let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
            if count == 0 { break }
            var scan = end
            end += count
            while scan < end, let newline = findNewline(from: scan, to: end) {
                let line = UnsafeRawBufferPointer(rebasing: buffer[start..<newline])
                if let number = overlongNumber {
                    try body(.overlong(line, number: number, isFirst: false, isLast: true))
                    overlongNumber = nil
                } else if line.count > maximumLineBytes {
                    lineNumber += 1
                    try body(.overlong(line, number: lineNumber, isFirst: true, isLast: true))
                } else {
                    lineNumber += 1
                    try body(.line(line, number: lineNumber))
                }
                start = newline + 1
                scan = start
            }
        }
        if let number = overlongNumber {
            try body(.overlong(UnsafeRawBufferPointer(rebasing: buffer[start..<end]), number: number, isFirst: false, isLast: true))
        } else if end - start > maximumLineBytes {
            lineNumber += 1
            try body(.overlong(UnsafeRawBufferPointer(rebasing: buffer[start..<end]), number: lineNumber, isFirst: true, isLast: true))
        } else if end > start {
            lineNumber += 1
            try body(.line(UnsafeRawBufferPointer(rebasing: buffer[start..<end]), number: lineNumber))
        }
    }

    private func findNewline(from: Int, to: Int) -> Int? {
        guard let found = memchr(buffer.baseAddress! + from, 0x0A, to - from) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(buffer.baseAddress!)
    }

    private mutating func grow() {
        let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 8)
        bigger.copyMemory(from: UnsafeRawBufferPointer(buffer))
        buffer.deallocate()
        buffer = bigger
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
