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
        guard enabled else { return }
        let now = SystemIO.monotonicSeconds()
        guard now - lastDraw >= 0.25 else { return }
        lastDraw = now
        drewSomething = true
        let elapsed = max(now - started, 0.001)
        let rate = Double(events) / elapsed
        let megabytes = Double(bytesRead) / 1_048_576
        var line = "\r\u{1B}[2K"
        if let totalBytes, totalBytes > 0 {
            let fraction = min(Double(bytesRead) / Double(totalBytes), 1)
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
            let remaining = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
            line += "[\(bar)] \(Int(fraction * 100))% "
            line +=
                "\(events) events  \(format(rate)) ev/s  \(format(megabytes))/\(format(Double(totalBytes) / 1_048_576)) MB  ETA \(duration(remaining))"
        } else {
            line += "\(events) events  \(format(rate)) ev/s  \(format(megabytes)) MB"
        }
        SystemIO.printError(line + "  \(label)")
    }

    /// Progress towards a known count: `done` of `total` items, e.g. events written.
    public func update(done: Int, total: Int, unit: String) {
        guard enabled else { return }
        let now = SystemIO.monotonicSeconds()
        guard now - lastDraw >= 0.25 else { return }
        lastDraw = now
        drewSomething = true
        let elapsed = max(now - started, 0.001)
        let fraction = total > 0 ? min(Double(done) / Double(total), 1) : 0
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let remaining = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        SystemIO.printError(
            "\r\u{1B}[2K[\(bar)] \(Int(fraction * 100))% \(done) \(unit)  \(format(Double(done) / elapsed)) \(unit)/s  ETA \(duration(remaining))"
        )
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
