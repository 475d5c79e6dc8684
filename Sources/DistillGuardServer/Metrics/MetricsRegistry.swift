import Foundation
import Synchronization

/// Counters and histograms in the Prometheus text exposition format (version 0.0.4), served at
/// `/metrics`. Small and lock-protected: one short critical section per update.
public final class MetricsRegistry: Sendable {
    struct Series: Hashable {
        var name: String
        var labels: [String]
    }

    struct Histogram {
        var buckets: [Double]
        var counts: [Int]
        var sum = 0.0
        var count = 0
    }

    struct State {
        var help: [String: (type: String, text: String)] = [:]
        var counters: [Series: Double] = [:]
        var gauges: [Series: Double] = [:]
        var histograms: [Series: Histogram] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Describes a metric family; `type` is counter, gauge or histogram.
    public func describe(_ name: String, type: String, help: String) {
        state.withLock { $0.help[name] = (type, help) }
    }

    /// Label pairs as `key="value"` strings, in a fixed order.
    static func labels(_ pairs: KeyValuePairs<String, String>) -> [String] {
        pairs.map { "\($0.key)=\"\(escape($0.value))\"" }
    }

    public func increment(_ name: String, by amount: Double = 1, _ labels: KeyValuePairs<String, String> = [:]) {
        let series = Series(name: name, labels: Self.labels(labels))
        state.withLock { $0.counters[series, default: 0] += amount }
    }

    public func set(_ name: String, _ value: Double, _ labels: KeyValuePairs<String, String> = [:]) {
        let series = Series(name: name, labels: Self.labels(labels))
        state.withLock { $0.gauges[series] = value }
    }

    /// Records one observation in a histogram with the given upper bounds (seconds for latencies).
    public func observe(_ name: String, _ value: Double, buckets: [Double], _ labels: KeyValuePairs<String, String> = [:]) {
        let series = Series(name: name, labels: Self.labels(labels))
        state.withLock { state in
            var histogram = state.histograms[series] ?? Histogram(buckets: buckets, counts: [Int](repeating: 0, count: buckets.count))
            if let index = histogram.buckets.firstIndex(where: { value <= $0 }) { histogram.counts[index] += 1 }
            histogram.sum += value
            histogram.count += 1
            state.histograms[series] = histogram
        }
    }

    /// The exposition text.
    public func render() -> String {
        let state = state.withLock { $0 }
        var out = ""
        func header(_ name: String) {
            if let help = state.help[name] { out += "# HELP \(name) \(help.text)\n# TYPE \(name) \(help.type)\n" }
        }
        func labelText(_ labels: [String], extra: String? = nil) -> String {
            let all = labels + (extra.map { [$0] } ?? [])
            return all.isEmpty ? "" : "{" + all.joined(separator: ",") + "}"
        }
        for (name, series) in Dictionary(grouping: state.counters.keys, by: \.name).sorted(by: { $0.key < $1.key }) {
            header(name)
            for s in series.sorted(by: { $0.labels.joined() < $1.labels.joined() }) {
                out += "\(name)\(labelText(s.labels)) \(Self.number(state.counters[s]!))\n"
            }
        }
        for (name, series) in Dictionary(grouping: state.gauges.keys, by: \.name).sorted(by: { $0.key < $1.key }) {
            header(name)
            for s in series.sorted(by: { $0.labels.joined() < $1.labels.joined() }) {
                out += "\(name)\(labelText(s.labels)) \(Self.number(state.gauges[s]!))\n"
            }
        }
        for (name, series) in Dictionary(grouping: state.histograms.keys, by: \.name).sorted(by: { $0.key < $1.key }) {
            header(name)
            for s in series.sorted(by: { $0.labels.joined() < $1.labels.joined() }) {
                let h = state.histograms[s]!
                var cumulative = 0
                for (bound, count) in zip(h.buckets, h.counts) {
                    cumulative += count
                    out += "\(name)_bucket\(labelText(s.labels, extra: "le=\"\(Self.number(bound))\"")) \(cumulative)\n"
                }
                out += "\(name)_bucket\(labelText(s.labels, extra: "le=\"+Inf\"")) \(h.count)\n"
                out += "\(name)_sum\(labelText(s.labels)) \(Self.number(h.sum))\n"
                out += "\(name)_count\(labelText(s.labels)) \(h.count)\n"
            }
        }
        return out
    }

    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
