import Foundation
import Synchronization

/// `distillguard serve` or `distillguard gateway` started as an operator starts it, on a free port,
/// for tests that need a real process: SIGKILL and SIGTERM, a browser, restarts on the same database.
public final class ServiceProcess {
    public let process: Process
    public let port: Int
    /// Where the process's standard error goes (shown when a test fails).
    public let logPath: String

    public static let adminToken = "admin-token-for-process-tests-01"
    public static let ingestKey = "ingest-key-for-process-tests-001"

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Starts `distillguard serve --port 0 ARGUMENTS` with the test secrets in its environment and
    /// waits for the line that names its port.
    public init(_ arguments: [String], logPath: String) throws {
        let output = Pipe()
        process = try Self.start(["serve", "--port", "0"] + arguments, output: output, logPath: logPath)
        self.logPath = logPath
        // Reads until the first line (which names the port), or the end of the output if serve exits.
        var text = ""
        while !text.contains("\n") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        port = try Self.port(after: "serving on http://127.0.0.1:", in: text, of: process, logPath: logPath)
    }

    /// Starts `distillguard gateway --config CONFIGURATION` (whose `listen.port` should be 0) and
    /// waits for the line of its log that names its port.
    public init(gatewayConfiguration configuration: String, logPath: String) throws {
        process = try Self.start(
            ["gateway", "--config", configuration, "--log-level", "notice"], output: nil, logPath: logPath)
        self.logPath = logPath
        let process = process
        var log = ""
        try Wait.blockingUntil("the gateway to name its port") {
            log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            return log.contains("gateway listening on http://") || !process.isRunning
        }
        port = try Self.port(after: "gateway listening on http://127.0.0.1:", in: log, of: process, logPath: logPath)
    }

    /// Runs the executable with the test secrets in its environment, standard output to `output`
    /// (or nowhere) and standard error to `logPath`.
    static func start(_ arguments: [String], output: Pipe?, logPath: String) throws -> Process {
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["DISTILLGUARD_ADMIN_TOKEN"] = Self.adminToken
        environment["DISTILLGUARD_INGEST_KEY"] = Self.ingestKey
        process.environment = environment
        process.standardOutput = output ?? FileHandle.nullDevice
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
        return process
    }

    /// The port after `prefix` in `text`; stops the process and throws with its log when there is none.
    static func port(after prefix: String, in text: String, of process: Process, logPath: String) throws -> Int {
        if let range = text.range(of: prefix), let port = Int(text[range.upperBound...].prefix { $0.isNumber }) {
            return port
        }
        if process.isRunning { process.terminate() }
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        throw ServiceProcessError(description: "\(process.arguments?.first ?? "") did not start: \(text)\n\(log)")
    }

    /// The process's log so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// SIGKILL: no handler runs, nothing is flushed.
    public func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then waits for the exit status.
    @discardableResult
    public func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

public struct ServiceProcessError: Error, CustomStringConvertible {
    public var description: String
}

/// HTTP through curl, as an operator's scripts do.
public enum Curl {
    public struct Reply: Sendable {
        public var status: Int
        public var body: String
    }

    /// Runs curl with `arguments` (URL included) and returns the status code and body; status 0
    /// when no response came (connection refused or reset).
    public static func run(_ arguments: [String], timeout: Double = 60) throws -> Reply {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "--max-time", String(timeout), "-w", "\n%{http_code}"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let newline = text.lastIndex(of: "\n") else { return Reply(status: 0, body: text) }
        return Reply(status: Int(text[text.index(after: newline)...]) ?? 0, body: String(text[..<newline]))
    }
}

/// Another program (python3, a validator), found on PATH, with its standard output and error together.
public enum ExternalCommand {
    /// Runs `arguments`, in `directory` when given (for tools that write caches where they run).
    public static func run(_ arguments: [String], in directory: String? = nil) throws -> (status: Int32, output: String) {
        let (process, output) = prepare(arguments)
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// The process, not started, with one pipe for both outputs.
    static func prepare(_ arguments: [String]) -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        return (process, pipe)
    }

    /// `run`, without blocking a concurrency thread (for tests whose servers run in-process and need them).
    ///
    /// The output is read to its end on a thread of its own. (Not with `FileHandle.readabilityHandler`:
    /// on Linux, clearing it while libdispatch delivers an event crashes the process now and then.)
    public static func runWithoutBlocking(
        _ arguments: [String], in directory: String? = nil
    ) async throws -> (status: Int32, output: String) {
        try await offCooperativePool { try run(arguments, in: directory) }
    }
}

/// Runs blocking test code (processes, sleeps, curl) on a thread of its own, so that it does not
/// hold one of the few threads that in-process servers of other tests run on.
///
/// `body` runs in a task that prefers that thread as its executor and, like every task made with
/// `Task {}`, carries the caller's task-local values: an expectation that fails in `body` is
/// reported against the test that called this, not as an issue of an unknown test while the test
/// itself shows as passed. Nothing of `body` stays with the thread once it has run.
public func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    let thread = BlockingThread()
    defer { thread.stop() }
    return try await Task(executorPreference: thread) { try body() }.value
}

/// Whether the calling code runs on a thread of `offCooperativePool`.
public var isOffCooperativePool: Bool { Thread.current.threadDictionary[BlockingThread.marker] != nil }

/// A thread of its own as a task executor: it runs the jobs of the tasks that prefer it, one at a
/// time, until stopped. Its stack is large (debug builds of the engine recurse deeply).
final class BlockingThread: TaskExecutor, Sendable {
    /// The key of its `threadDictionary` that marks such a thread.
    static let marker = "distillguard.off-cooperative-pool"

    private struct Jobs {
        var ready: [UnownedJob] = []
        var stopping = false
    }

    /// What the thread and its submitters share (the thread holds this, not the executor).
    private final class Queue: Sendable {
        let jobs = Mutex(Jobs())
        let wake = DispatchSemaphore(value: 0)
    }

    private let queue = Queue()

    init() {
        let queue = queue
        // The thread holds the executor until it ends (after `stop()`).
        let thread = Thread { [self] in
            // Marked from the thread itself, in its own Thread object (which Foundation makes
            // current before this block runs). Not by name: on Linux, naming a thread from inside
            // races with `start()` (the name is dropped when the block runs first).
            Thread.current.threadDictionary[Self.marker] = true
            let executor = asUnownedTaskExecutor()
            while true {
                queue.wake.wait()
                let (job, stop) = queue.jobs.withLock { jobs -> (UnownedJob?, Bool) in
                    let job = jobs.ready.isEmpty ? nil : jobs.ready.removeFirst()
                    return (job, jobs.stopping && jobs.ready.isEmpty && job == nil)
                }
                job?.runSynchronously(on: executor)
                if stop { return }
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.jobs.withLock { $0.ready.append(job) }
        queue.wake.signal()
    }

    /// Ends the thread once the jobs already enqueued have run.
    func stop() {
        queue.jobs.withLock { $0.stopping = true }
        queue.wake.signal()
    }
}
