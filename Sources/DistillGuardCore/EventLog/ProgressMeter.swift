/// A one-line progress bar on standard error: events/s, MB read, and an ETA when the size is known.
///
/// Drawn only when standard error is a terminal, at most four times a second, so piping output
/// to a file or running under CI prints nothing.
public final class ProgressMeter {
    private let enabled: Bool
    private let started = SystemIO.monotonicSeconds()
    private var lastDraw = 0.0
    private var drewSomething = false

    public init(enabled: Bool) {
        self.enabled = enabled
    }

    public static func forTerminal() -> ProgressMeter {
        ProgressMeter(enabled: SystemIO.isTerminal(SystemIO.standardError))
    }

    func update(events: Int, bytesRead: Int64, totalBytes: Int64?, label: String) {
        guard let elapsed = tick() else { return }
        let megabytes = Double(bytesRead) / 1_048_576
        var text = "\(events) events  \(format(Double(events) / elapsed)) ev/s  \(format(megabytes))"
        var fraction: Double?
        if let totalBytes, totalBytes > 0 {
            fraction = min(Double(bytesRead) / Double(totalBytes), 1)
            text += "/\(format(Double(totalBytes) / 1_048_576))"
        }
        draw(fraction: fraction, elapsed: elapsed, text: text + " MB", suffix: "  " + label)
    }

    /// Progress towards a known count: `done` of `total` items, e.g. events written.
    public func update(done: Int, total: Int, unit: String) {
        guard let elapsed = tick() else { return }
        let fraction = total > 0 ? min(Double(done) / Double(total), 1) : 0
        draw(fraction: fraction, elapsed: elapsed, text: "\(done) \(unit)  \(format(Double(done) / elapsed)) \(unit)/s", suffix: "")
    }

    /// Seconds since the start when it is time to draw again (at most four times a second), else nil.
    private func tick() -> Double? {
        guard enabled else { return nil }
        let now = SystemIO.monotonicSeconds()
        guard now - lastDraw >= 0.25 else { return nil }
        lastDraw = now
        drewSomething = true
        return max(now - started, 0.001)
    }

    /// One line: a bar and ETA when the fraction done is known, then the figures.
    private func draw(fraction: Double?, elapsed: Double, text: String, suffix: String) {
        var line = "\r\u{1B}[2K"
        if let fraction {
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
            let remaining = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
            line += "[\(bar)] \(Int(fraction * 100))% \(text)  ETA \(duration(remaining))"
        } else {
            line += text
        }
        SystemIO.printError(line + suffix)
    }

    public func finish() {
        guard enabled, drewSomething else { return }
        SystemIO.printError("\r\u{1B}[2K")
    }

    private func format(_ value: Double) -> String {
        value >= 100 ? String(Int(value)) : String(Double(Int(value * 10)) / 10)
    }

    private func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return "\(total / 60):" + (total % 60 < 10 ? "0" : "") + "\(total % 60)"
    }
}
