import Dispatch

/// One line that was not analysed, and why.
public struct RejectedLine: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var reason: EventRejection

    public var description: String { "\(file):\(line): \(reason)" }
}

/// Copies rejected lines, byte for byte, to the reject file, and writes why beside it.
///
/// `PATH` receives the lines unchanged (so a fixed file can be re-fed as is); `PATH.reasons.jsonl`
/// gets one `{"file","line","code","field","reason"}` record per rejected line, in the same order.
/// Both files are created only when the first reject arrives. Writes are serialized, so several
/// readers (one per file in a merged replay) can share one writer.
final class RejectWriter: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    let path: String?
    private var lines: BufferedFileWriter?
    private var reasons: BufferedFileWriter?

    init(path: String?) {
        self.path = path
    }

    var reasonsPath: String? { path.map { "\($0).reasons.jsonl" } }

    func open() throws {
        guard lines == nil, let path, let reasonsPath else { return }
        lines = try BufferedFileWriter(path: path)
        reasons = try BufferedFileWriter(path: reasonsPath)
    }

    /// Copies raw bytes of a rejected line (possibly in pieces, for an over-long line).
    func writeRaw(_ bytes: UnsafeRawBufferPointer, endOfLine: Bool) throws {
        guard path != nil else { return }
        lock.wait()
        defer { lock.signal() }
        try open()
        try lines?.write(bytes)
        if endOfLine { try lines?.write(CollectionOfOne(0x0A)) }
    }

    func writeReason(_ rejected: RejectedLine) throws {
        guard path != nil else { return }
        lock.wait()
        defer { lock.signal() }
        try open()
        let record: JSONValue = [
            "file": .string(rejected.file),
            "line": .int(Int64(rejected.line)),
            "code": .string(rejected.reason.code.rawValue),
            "field": .string(rejected.reason.field),
            "reason": .string(rejected.reason.message),
        ]
        try reasons?.write(JSONWriter.string(record) + "\n")
    }

    func close() throws {
        lock.wait()
        defer { lock.signal() }
        try lines?.close()
        try reasons?.close()
    }
}
