import CZlib

/// A stream of bytes from a file, standard input, or a gzip file.
protocol ByteSource {
    /// Fills as much of `buffer` as is available; 0 means the end.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Bytes consumed from the underlying file so far (compressed bytes for gzip).
    var bytesConsumed: Int64 { get }
    /// Size of the underlying file, when it is a regular file.
    var totalBytes: Int64? { get }
    /// Set when the stream ended abnormally (for example a truncated gzip member); the text says how.
    var endProblem: String? { get }
    func close()
}

/// Raw bytes of a file descriptor.
final class FileByteSource: ByteSource {
    let path: String
    let fd: Int32
    let totalBytes: Int64?
    private(set) var bytesConsumed: Int64 = 0
    var endProblem: String? { nil }

    /// Opens `path`, or standard input for `-`.
    init(path: String) throws {
        self.path = path
        self.fd = path == "-" ? SystemIO.standardInput : try SystemIO.openForReading(path)
        self.totalBytes = SystemIO.regularFileSize(fd)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try SystemIO.read(fd, into: buffer, path: path)
        bytesConsumed += Int64(count)
        return count
    }

    func close() {
        if fd != SystemIO.standardInput { SystemIO.close(fd) }
    }
}

/// Decompresses a gzip stream (one or several concatenated members, as `cat a.gz b.gz` makes).
final class GzipByteSource: ByteSource {
    private var source: any ByteSource
    private let path: String
    private var stream = z_stream()
    private var input: UnsafeMutableRawBufferPointer
    private var inputEnded = false
    private var memberOpen = false
    private(set) var endProblem: String?
    private var finished = false

    var bytesConsumed: Int64 { source.bytesConsumed }
    var totalBytes: Int64? { source.totalBytes }

    /// - Parameter prefix: bytes already read from `source` (used to sniff the gzip magic number).
    init(source: any ByteSource, path: String, prefix: [UInt8]) throws {
        self.source = source
        self.path = path
        self.input = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1 << 18, prefix.count), alignment: 1)
        prefix.withUnsafeBytes { input.copyMemory(from: $0) }
        stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_in = UInt32(prefix.count)
        // 15 + 16: a gzip header is required (zlib's window bits convention).
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw FileError(path: path, message: "cannot initialise gzip decompression")
        }
        memberOpen = true
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished else { return 0 }
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(buffer.count)
        while stream.avail_out > 0 {
            if stream.avail_in == 0 && !inputEnded {
                let count = try source.read(into: input)
                if count == 0 { inputEnded = true }
                stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = UInt32(count)
            }
            if stream.avail_in == 0 && inputEnded {
                if memberOpen { endProblem = "gzip stream is truncated: the file ends inside compressed data" }
                finished = true
                break
            }
            if !memberOpen {
                inflateReset(&stream)
                memberOpen = true
            }
            let status = inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_STREAM_END:
                memberOpen = false
            case Z_OK, Z_BUF_ERROR:
                continue
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                endProblem = "gzip data is corrupt after \(source.bytesConsumed) compressed bytes: \(reason)"
                finished = true
            }
            if finished { break }
        }
        return buffer.count - Int(stream.avail_out)
    }

    func close() { source.close() }
}

enum ByteSources {
    /// Opens a path (or `-`) and decompresses it when it starts with the gzip magic number.
    static func open(_ path: String) throws -> any ByteSource {
        let file = try FileByteSource(path: path)
        var prefix = [UInt8](repeating: 0, count: 2)
        var filled = 0
        while filled < 2 {
            let count = try prefix.withUnsafeMutableBytes { buffer throws in
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            }
            if count == 0 { break }
            filled += count
        }
        prefix.removeLast(2 - filled)
        if prefix == [0x1F, 0x8B] {
            return try GzipByteSource(source: file, path: path, prefix: prefix)
        }
        return PrefixedByteSource(prefix: prefix, source: file)
    }
}

/// Replays a few sniffed bytes before the rest of a source.
final class PrefixedByteSource: ByteSource {
    private var prefix: [UInt8]
    private let source: any ByteSource

    init(prefix: [UInt8], source: any ByteSource) {
        self.prefix = prefix
        self.source = source
    }

    var bytesConsumed: Int64 { source.bytesConsumed }
    var totalBytes: Int64? { source.totalBytes }
    var endProblem: String? { source.endProblem }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if prefix.isEmpty {
            var source = source
            return try source.read(into: buffer)
        }
        let count = min(prefix.count, buffer.count)
        prefix.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        prefix.removeFirst(count)
        return count
    }

    func close() { source.close() }
}
