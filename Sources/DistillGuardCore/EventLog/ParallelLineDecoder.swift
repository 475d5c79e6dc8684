import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes lines in batches on every core while keeping their order.
///
/// Lines are copied into one buffer as they are read; when the batch is full, workers decode
/// interleaved lines into a results array, and the caller then consumes the results in order.
/// Decoding is pure, so the order of effects (duplicates, rejects, analysis) is exactly that of a
/// single-threaded read.
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
        /// Keep the provider-native request and response trees (`Event.request`/`response`).
        var retainNativeBodies = true
    }

    struct Line {
        var start: Int
        var count: Int
        var number: Int
    }

    let workers: Int
    let options: WorkerOptions
    let maximumLines: Int
    let maximumBytes: Int
    private(set) var bytes: [UInt8] = []
    private(set) var lines: [Line] = []

    init(
        workers: Int = ParallelLineDecoder.processorCount, options: WorkerOptions = WorkerOptions(), maximumLines: Int = 2048,
        maximumBytes: Int = 8 << 20
    ) {
        self.workers = max(1, workers)
        self.options = options
        self.maximumLines = maximumLines
        self.maximumBytes = maximumBytes
        bytes.reserveCapacity(maximumBytes + (1 << 20))
        lines.reserveCapacity(maximumLines)
    }

    public static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    var isFull: Bool { lines.count >= maximumLines || bytes.count >= maximumBytes }
    var isEmpty: Bool { lines.isEmpty }

    mutating func append(_ raw: UnsafeRawBufferPointer, number: Int) {
        lines.append(Line(start: bytes.count, count: raw.count, number: number))
        bytes.append(contentsOf: raw)
    }

    /// Decodes the batch and hands each line, in order, with its raw bytes, to `body`; then empties it.
    mutating func drain(_ body: (Line, UnsafeRawBufferPointer, Decoded) throws -> Void) rethrows {
        var results = [Decoded](repeating: .blank, count: lines.count)
        let lines = self.lines
        let workers = min(self.workers, max(1, lines.count / 64))
        bytes.withUnsafeBytes { raw in
            results.withUnsafeMutableBufferPointer { output in
                let shared = SharedBuffers(input: raw, output: output, options: options)
                if workers == 1 {
                    for index in lines.indices { shared.decode(lines[index], into: index) }
                } else {
                    DispatchQueue.concurrentPerform(iterations: workers) { worker in
                        var index = worker
                        while index < lines.count {
                            shared.decode(lines[index], into: index)
                            index += workers
                        }
                    }
                }
            }
        }
        try bytes.withUnsafeBytes { raw in
            for (index, line) in lines.enumerated() {
                try body(line, UnsafeRawBufferPointer(rebasing: raw[line.start..<(line.start + line.count)]), results[index])
            }
        }
        self.lines.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
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
        switch EventBatch.decodeLine(raw) {
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
