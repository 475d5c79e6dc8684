/// Reads event logs (JSON Lines, plain or gzip, or `-` for standard input) in bounded memory and
/// applies the contract's rules for bad input.
///
/// - A line that fails to decode is counted, kept as a `RejectedLine` sample, and copied unchanged
///   to the reject file with its reason beside it. Every valid line around it is delivered.
/// - An event whose `id` was already seen is a duplicate: counted and not delivered.
/// - Empty lines carry nothing and are counted as blank, not rejected. A UTF-8 byte-order mark at
///   the start of a line and a `\r` before the `\n` are tolerated.
public struct EventLogReader {
    public struct Configuration: Sendable {
        /// Where rejected lines are copied (and `PATH.reasons.jsonl` written); nil to only count them.
        public var rejectsPath: String?
        /// Draw a progress bar on standard error when it is a terminal.
        public var showProgress: Bool
        /// Longest line held in memory; longer lines are rejected and streamed to the reject file.
        public var maximumLineBytes: Int
        /// How many rejects to keep in `Summary.rejectSamples`.
        public var rejectSampleLimit: Int
        /// Threads that decode lines (order is kept whatever the number); defaults to the core count.
        public var decodingThreads: Int
        /// Keep each event's provider-native request and response JSON and the response's texts;
        /// analysis needs only the normalized request and the response's usage, model and error,
        /// and not materializing the rest saves time and memory. Lines are checked as strictly
        /// either way.
        public var retainNativeBodies: Bool

        public init(
            rejectsPath: String? = nil, showProgress: Bool = false,
            maximumLineBytes: Int = 64 << 20, rejectSampleLimit: Int = 20,
            decodingThreads: Int = ParallelLineDecoder.processorCount, retainNativeBodies: Bool = true
        ) {
            self.decodingThreads = decodingThreads
            self.retainNativeBodies = retainNativeBodies
            self.rejectsPath = rejectsPath
            self.showProgress = showProgress
            self.maximumLineBytes = maximumLineBytes
            self.rejectSampleLimit = rejectSampleLimit
        }
    }

    /// Counts for one read, and what went wrong where.
    public struct Summary: Sendable {
        public var files: [String] = []
        /// Valid, first-seen events delivered.
        public var events = 0
        public var rejected = 0
        public var duplicates = 0
        public var blankLines = 0
        /// Bytes read from the files as stored (compressed bytes for gzip).
        public var bytesRead: Int64 = 0
        /// The first rejects, with their reasons.
        public var rejectSamples: [RejectedLine] = []
        /// Problems with a file as a whole, such as a truncated gzip stream.
        public var warnings: [String] = []
        /// Where rejected lines were written, when any were.
        public var rejectsPath: String?
        public var rejectReasonsPath: String?
    }

    public var configuration: Configuration
    var duplicates = DuplicateFilter()
    private var deduplicate = true

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Reads every file in order and calls `body` with each valid, first-seen event.
    ///
    /// Duplicate ids are recognised across all files given to this reader, and across calls.
    public mutating func read(_ paths: [String], _ body: (Event) throws -> Void) throws -> Summary {
        try read(paths, computeFeatures: false) { event, _ in try body(event) }
    }

    /// Like `read`, and also computes each event's detection features on the decoding threads.
    public mutating func readWithFeatures(_ paths: [String], _ body: (Event, ExchangeFeatures) throws -> Void) throws -> Summary {
        try read(paths, computeFeatures: true) { event, features in try body(event, features!) }
    }

    private mutating func read(
        _ paths: [String], computeFeatures: Bool, _ body: (Event, ExchangeFeatures?) throws -> Void
    ) throws -> Summary {
        if paths.count > 1 { return try readMerged(paths, computeFeatures: computeFeatures, body) }
        let rejects = RejectWriter(path: configuration.rejectsPath)
        var summary = try read(paths, computeFeatures: computeFeatures, rejects: rejects, deduplicate: true, body)
        try finish(&summary, rejects: rejects)
        return summary
    }

    func finish(_ summary: inout Summary, rejects: RejectWriter) throws {
        try rejects.close()
        if summary.rejected > 0, rejects.path != nil {
            summary.rejectsPath = rejects.path
            summary.rejectReasonsPath = rejects.reasonsPath
        }
    }

    /// Reads files one after another into `body`, rejects going to `rejects`.
    mutating func read(
        _ paths: [String], computeFeatures: Bool, rejects: RejectWriter, deduplicate: Bool,
        _ body: (Event, ExchangeFeatures?) throws -> Void
    ) throws -> Summary {
        var summary = Summary(files: paths)
        self.deduplicate = deduplicate
        let progress = ProgressMeter(enabled: configuration.showProgress && SystemIO.isTerminal(SystemIO.standardError))
        defer { progress.finish() }
        var bytesBefore: Int64 = 0
        for path in paths {
            let source = try ByteSources.open(path)
            var lines = LineReader(source: source, maximumLineBytes: configuration.maximumLineBytes)
            defer { lines.deallocate() }
            let label = path == "-" ? "stdin" : path
            var total: Int64?
            if let size = source.totalBytes { total = bytesBefore + size }
            let options = ParallelLineDecoder.WorkerOptions(
                computeFeatures: computeFeatures, retainNativeBodies: configuration.retainNativeBodies)
            var batch = ParallelLineDecoder(workers: configuration.decodingThreads, options: options)
            try lines.forEach { piece in
                switch piece {
                case .line(let bytes, let number):
                    batch.append(bytes, number: number)
                    if batch.isFull {
                        try drain(&batch, finishing: false, path: label, summary: &summary, rejects: rejects, body: body)
                        progress.update(
                            events: summary.events, bytesRead: bytesBefore + source.bytesConsumed, totalBytes: total, label: label)
                    }
                case .overlong(let bytes, let number, let isFirst, let isLast):
                    try drain(&batch, finishing: true, path: label, summary: &summary, rejects: rejects, body: body)
                    try rejects.writeRaw(bytes, endOfLine: isLast)
                    if isFirst {
                        let reason = EventRejection(
                            code: .invalidValue, field: "",
                            message: "line is longer than \(configuration.maximumLineBytes) bytes; it was copied to the reject file unread")
                        try recordReject(RejectedLine(file: label, line: number, reason: reason), summary: &summary, rejects: rejects)
                    }
                }
            }
            try drain(&batch, finishing: true, path: label, summary: &summary, rejects: rejects, body: body)
            if let problem = lines.endProblem {
                summary.warnings.append("\(label): \(problem); every complete line before that point was read")
            }
            bytesBefore += lines.bytesConsumed
        }
        summary.bytesRead = bytesBefore
        return summary
    }

    /// Hands decoded lines to `body` in order: the previous batch while the full one decodes, or
    /// everything held when `finishing` (at the end of a file, or before an over-long line).
    private mutating func drain(
        _ batch: inout ParallelLineDecoder, finishing: Bool, path: String, summary: inout Summary, rejects: RejectWriter,
        body: (Event, ExchangeFeatures?) throws -> Void
    ) throws {
        let handle = { (line: ParallelLineDecoder.Line, raw: UnsafeRawBufferPointer, decoded: ParallelLineDecoder.Decoded) throws in
            switch decoded {
            case .blank:
                summary.blankLines += 1
            case .rejected(let rejection):
                try rejects.writeRaw(raw, endOfLine: true)
                try recordReject(RejectedLine(file: path, line: line.number, reason: rejection), summary: &summary, rejects: rejects)
            case .event(let event, let features):
                guard !deduplicate || duplicates.insert(event.id) else {
                    summary.duplicates += 1
                    return
                }
                summary.events += 1
                try body(event, features)
            }
        }
        if finishing { try batch.finish(handle) } else { try batch.submit(handle) }
    }

    private func recordReject(_ rejected: RejectedLine, summary: inout Summary, rejects: RejectWriter) throws {
        summary.rejected += 1
        if summary.rejectSamples.count < configuration.rejectSampleLimit {
            summary.rejectSamples.append(rejected)
        }
        try rejects.writeReason(rejected)
    }
}
