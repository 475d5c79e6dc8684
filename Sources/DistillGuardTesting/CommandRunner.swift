import Foundation

/// Runs the built `distillguard` executable as a user would, capturing its output.
public struct CommandRunner {
    public struct Result: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// The executable beside the test bundle in the build products folder.
    public static var executable: URL {
        var directory = Bundle.main.bundleURL
        // swift test runs the bundle from the products folder (.build/debug/); look there and one level up.
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("distillguard")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/distillguard")
    }

    /// Runs `distillguard ARGUMENTS`, feeding `input` on standard input (with `environment` instead
    /// of the test's own when given).
    public static func run(
        _ arguments: [String], input: [UInt8] = [], directory: String? = nil, environment: [String: String]? = nil
    )
        throws -> Result
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Drain both pipes concurrently so a chatty child cannot block on a full pipe.
        let outputs = ReadBuffers()
        let group = DispatchGroup()
        for (index, pipe) in [stdout, stderr].enumerated() {
            group.enter()
            DispatchQueue.global().async {
                outputs.set(index, pipe.fileHandleForReading.readDataToEndOfFile())
                group.leave()
            }
        }
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputs.get(0), as: UTF8.self),
            standardError: String(decoding: outputs.get(1), as: UTF8.self)
        )
    }
}

private final class ReadBuffers: @unchecked Sendable {
    private let lock = NSLock()
    private var data: [Data] = [Data(), Data()]

    func set(_ index: Int, _ value: Data) {
        lock.lock()
        data[index] = value
        lock.unlock()
    }

    func get(_ index: Int) -> Data {
        lock.lock()
        defer { lock.unlock() }
        return data[index]
    }
}
