import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes lines in batches on every core while keeping their order, and overlaps decoding with
/// the caller's work.
///
/// Lines are copied into a batch as they are read. When the batch is full it is decoded in the
/// background (by as many workers as there are cores) while the caller consumes the previous
/// batch's results, in order. Decoding is pure, so the order of effects (duplicates, rejects,
/// analysis) is exactly that of a single-threaded read.
public struct ParallelLineDecoder {
    enum Decoded {
        case blank
        case event(Event, ExchangeFeatures?)
        case rejected(EventRejection)
    }

    /// What workers do beyond decoding, while they still own the event.
    struct WorkerOptions: Sendable {
        /// Compute the detection features of each event.
        var computeFeatures = false
        /// Keep the provider-native request and response trees (`Event.request`/`response`) and
        /// the response's texts; analysis needs neither.
        var retainNativeBodies = true
    }

    struct Line {
        var start: Int
        var count: Int
        var number: Int
    }

    /// One batch of lines and, once decoded, their results. Owned by one thread at a time: the
    /// reader while it fills, a decoding job while it runs, the reader again once it has waited.
    final class Batch: @unchecked Sendable {
        var bytes: [UInt8] = []
        var lines: [Line] = []
        var results: [Decoded] = []

        /// Lines a worker claims at a time: enough to make claiming cheap, few enough to end a
        /// batch with the workers finishing together (docs/benchmarks.md, "Workers that claim lines").
        static let linesPerClaim = 32

        init(capacity: Int, lines maximumLines: Int) {
            bytes.reserveCapacity(capacity)
            lines.reserveCapacity(maximumLines)
        }

        func decode(workers: Int, options: WorkerOptions) {
            // The previous batch's results stay until a worker writes over them, so that their
            // events are freed on a decoding thread. Freed on the reader, every free crossed into
            // the arena of the worker that built the event and waited on its lock while that
            // worker allocated: half of all context switches (docs/benchmarks.md, "The allocator's
            // locks"). Slots past `lines.count` keep a previous batch's results until then.
            if results.count < lines.count {
                results.append(contentsOf: repeatElement(.blank, count: lines.count - results.count))
            }
            let lines = self.lines
            let workers = min(workers, max(1, lines.count / 64))
            bytes.withUnsafeBytes { raw in
                results.withUnsafeMutableBufferPointer { output in
                    let shared = SharedBuffers(input: raw, output: output, options: options)
                    // Workers take the next run of lines as they come free, rather than a fixed
                    // share: one of them often starts late (the reader holds a core), and a fixed
                    // share left the other core idle at the end of each batch.
                    let next = Atomic<Int>(0)
                    DispatchQueue.concurrentPerform(iterations: workers) { _ in
                        while true {
                            let start = next.wrappingAdd(Self.linesPerClaim, ordering: .relaxed).oldValue
                            guard start < lines.count else { return }
                            for index in start..<min(start + Self.linesPerClaim, lines.count) {
                                shared.decode(lines[index], into: index)
                            }
                        }
                    }
                }
            }
        }

        func clear() {
            bytes.removeAll(keepingCapacity: true)
            lines.removeAll(keepingCapacity: true)
        }
    }

    let workers: Int
    let options: WorkerOptions
    let maximumLines: Int
    let maximumBytes: Int
    private var filling: Batch
    private var inFlight: (batch: Batch, done: DispatchGroup)?

    init(
        workers: Int = ParallelLineDecoder.processorCount, options: WorkerOptions = WorkerOptions(), maximumLines: Int = 2048,
        maximumBytes: Int = 8 << 20
    ) {
        self.workers = max(1, workers)
        self.options = options
        self.maximumLines = maximumLines
        self.maximumBytes = maximumBytes
        filling = Batch(capacity: maximumBytes + (1 << 20), lines: maximumLines)
    }

    public static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    var isFull: Bool { filling.lines.count >= maximumLines || filling.bytes.count >= maximumBytes }

    mutating func append(_ raw: UnsafeRawBufferPointer, number: Int) {
        filling.lines.append(Line(start: filling.bytes.count, count: raw.count, number: number))
        filling.bytes.append(contentsOf: raw)
    }

    /// Starts decoding the filled batch in the background, then hands the previous batch's lines,
    /// in order, with their raw bytes and results, to `body`.
    mutating func submit(_ body: (Line, UnsafeRawBufferPointer, Decoded) throws -> Void) rethrows {
        let batch = filling
        let done = DispatchGroup()
        let workers = self.workers
        let options = self.options
        DispatchQueue.global().async(group: done) { batch.decode(workers: workers, options: options) }
        if let previous = inFlight {
            inFlight = nil
            previous.done.wait()
            defer { previous.batch.clear() }
            try Self.deliver(previous.batch, body)
            filling = previous.batch
        } else {
            filling = Batch(capacity: maximumBytes + (1 << 20), lines: maximumLines)
        }
        inFlight = (batch, done)
    }

    /// Decodes and delivers everything still held, in order.
    mutating func finish(_ body: (Line, UnsafeRawBufferPointer, Decoded) throws -> Void) rethrows {
        if !filling.lines.isEmpty { try submit(body) }
        if let last = inFlight {
            inFlight = nil
            last.done.wait()
            defer { last.batch.clear() }
            try Self.deliver(last.batch, body)
        }
    }

    private static func deliver(_ batch: Batch, _ body: (Line, UnsafeRawBufferPointer, Decoded) throws -> Void) rethrows {
        try batch.bytes.withUnsafeBytes { raw in
            for (index, line) in batch.lines.enumerated() {
                try body(line, UnsafeRawBufferPointer(rebasing: raw[line.start..<(line.start + line.count)]), batch.results[index])
            }
        }
    }
}

/// Input bytes and the results array, shared by the decoding workers. Each worker writes only
/// the result slots of its own lines, so there is no overlapping access.
private struct SharedBuffers: @unchecked Sendable {
    let input: UnsafeRawBufferPointer
    let output: UnsafeMutableBufferPointer<ParallelLineDecoder.Decoded>
    let options: ParallelLineDecoder.WorkerOptions

    func decode(_ line: ParallelLineDecoder.Line, into index: Int) {
        let raw = UnsafeRawBufferPointer(rebasing: input[line.start..<(line.start + line.count)])
        switch EventBatch.decodeLine(raw, responseText: options.retainNativeBodies) {
        case nil: output[index] = .blank
        case .success(var event)?:
            let features = options.computeFeatures ? ExchangeFeatures(event) : nil
            if !options.retainNativeBodies {
                event.request = JSONObject()
                event.response = nil
            }
            output[index] = .event(event, features)
        case .failure(let rejection)?: output[index] = .rejected(rejection)
        }
    }
}
