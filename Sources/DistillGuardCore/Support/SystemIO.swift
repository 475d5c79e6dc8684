#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file-system failure, with the path and the operating system's reason.
public struct FileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }

    static func fromErrno(_ path: String, _ action: String) -> FileError {
        FileError(path: path, message: "\(action) failed: \(String(cString: strerror(errno)))")
    }
}

/// Thin wrappers over POSIX calls, so the rest of the core stays free of platform imports.
enum SystemIO {
    static let standardInput: Int32 = 0
    static let standardOutput: Int32 = 1
    static let standardError: Int32 = 2

    static func openForReading(_ path: String) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError.fromErrno(path, "open") }
        return fd
    }

    static func openForWriting(_ path: String, append: Bool = false) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC) | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError.fromErrno(path, "create") }
        return fd
    }

    /// Size of a regular file, or nil for pipes and terminals.
    static func regularFileSize(_ fd: Int32) -> Int64? {
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(info.st_size)
    }

    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw FileError.fromErrno(path, "read")
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let count = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError.fromErrno(path, "write")
            }
            offset += count
        }
    }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// Seconds on a monotonic clock.
    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Writes text to standard error, unbuffered.
    static func printError(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            try? writeAll(standardError, UnsafeRawBufferPointer(bytes), path: "stderr")
        }
    }
}

/// Standard error, for diagnostics that must not mix with a command's output.
public enum StandardError {
    /// Writes one line to standard error, unbuffered.
    public static func print(_ text: String) {
        SystemIO.printError(text + "\n")
    }

    /// True when standard error is a terminal (progress bars are drawn only then).
    public static var isTerminal: Bool { SystemIO.isTerminal(SystemIO.standardError) }
}
