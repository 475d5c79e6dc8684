import Foundation

/// A small tmpfs mounted for one test, to fill up on purpose: the store on it then meets a real
/// full disk (`ENOSPC`), not a simulated one. Mounting needs root (CAP_SYS_ADMIN), which the test
/// machines have; without it `init` throws and says so.
public final class SmallDisk: Sendable {
    public let path: String
    let filler: String

    public init(megabytes: Int = 8) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("distillguard-disk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
        filler = path + "/filler"
        let (status, output) = try Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path])
        guard status == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw SmallDiskError(description: "cannot mount a \(megabytes) MiB tmpfs at \(path) (this needs root): \(output)")
        }
    }

    /// The path of `name` on the disk.
    public func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Writes a filler file until the disk has no space left.
    public func fill() throws {
        guard let handle = fopen(filler, "w") else { throw SmallDiskError(description: "cannot create \(filler)") }
        defer { fclose(handle) }
        let block = [UInt8](repeating: 0, count: 64 << 10)
        while fwrite(block, 1, block.count, handle) == block.count, fflush(handle) == 0 {}
        // What is left is smaller than a block: fill it byte by byte.
        while fwrite(block, 1, 1, handle) == 1, fflush(handle) == 0 {}
    }

    /// Removes the filler: the space is free again.
    public func free() throws {
        try FileManager.default.removeItem(atPath: filler)
    }

    deinit {
        _ = try? Self.run("/bin/umount", ["-l", path])
        try? FileManager.default.removeItem(atPath: path)
    }
}

extension SmallDisk {
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

public struct SmallDiskError: Error, CustomStringConvertible {
    public var description: String
}
