/// How fast analysis clears the ingest backlog, for the `Retry-After` of a throttled batch.
///
/// Measured in wall time over the current busy period (analysis never caught up in between), so
/// that everything the analysis loop does besides decoding (reading the store, scoring, saving
/// checkpoints) counts. The estimate covers the last `window` seconds of the period; when analysis
/// catches up the period ends and the next starts afresh, keeping the last rate for the time
/// before the new period has a measurement of its own.
struct DrainRate: Sendable {
    private var samples: [(time: Double, analyzed: Int)] = []
    private var analyzed = 0
    private var lastRate: Double?

    /// Seconds of the busy period the rate covers.
    static let window = 10.0
    /// A period shorter than this says too little; the rate of the previous period stands in.
    static let shortestSpan = 0.2
    /// The longest wait asked of a client: beyond it a stuck analysis is better shown by `/health`.
    static let longestWait = 60

    /// Analysis began a batch at `time` (seconds): opens a busy period when none is open.
    mutating func begin(at time: Double) {
        if samples.isEmpty { samples.append((time, analyzed)) }
    }

    /// Analysis finished `count` events at `time`.
    mutating func finished(_ count: Int, at time: Double) {
        analyzed += count
        samples.append((time, analyzed))
        while samples.count > 2, time - samples[1].time >= Self.window { samples.removeFirst() }
        if let rate = rate(spanningAtLeast: Self.shortestSpan) { lastRate = rate }
    }

    /// Analysis has caught up with the store: the busy period ends (a short one still tells its rate).
    mutating func caughtUp() {
        if let rate = rate(spanningAtLeast: .leastNonzeroMagnitude) { lastRate = rate }
        samples.removeAll()
    }

    /// Events per second over the current period, when it spans `span` seconds or more.
    private func rate(spanningAtLeast span: Double) -> Double? {
        guard let first = samples.first, let last = samples.last, last.time - first.time >= span, last.analyzed > first.analyzed
        else { return nil }
        return Double(last.analyzed - first.analyzed) / (last.time - first.time)
    }

    /// Events per second: the current period's, else the last one measured (nil before any).
    var eventsPerSecond: Double? { rate(spanningAtLeast: Self.shortestSpan) ?? lastRate }

    /// Whole seconds (1 to `longestWait`) until `backlog` falls below `limit`, so that a batch sent
    /// then is admitted; 1 before any rate is known (the client asks again and gets a measured answer).
    func retryAfterSeconds(backlog: Int, limit: Int) -> Int {
        guard let rate = eventsPerSecond, rate > 0 else { return 1 }
        let excess = Double(max(backlog - limit + 1, 1))
        return Int(min(max((excess / rate).rounded(.up), 1), Double(Self.longestWait)))
    }
}
