/// Writes bytes to a file through a large buffer; `-` means standard output.
///
/// Used for event logs, reject files and reports, where millions of small writes would otherwise
/// each be a system call.
public final class BufferedFileWriter {
    public let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let capacity: Int
    private var closed = false

    /// - Parameter append: add to an existing file instead of replacing it (the gateway's event log).
    public init(path: String, capacity: Int = 1 << 20, append: Bool = false) throws {
        self.path = path
        self.fd = path == "-" ? SystemIO.standardOutput : try SystemIO.openForWriting(path, append: append)
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    public func write(_ bytes: some Collection<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { try flush() }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { try flush() }
    }

    public func write(_ text: String) throws {
        try write(text.utf8)
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        let path = path
        let fd = fd
        try buffer.withUnsafeBytes { bytes throws in try SystemIO.writeAll(fd, bytes, path: path) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the file; further writes are an error.
    public func close() throws {
        guard !closed else { return }
        try flush()
        closed = true
        if fd != SystemIO.standardOutput { SystemIO.close(fd) }
    }

    deinit {
        if !closed {
            try? flush()
            if fd != SystemIO.standardOutput { SystemIO.close(fd) }
        }
    }
}
