import Foundation
import Synchronization

/// Counters and histograms in the Prometheus text exposition format (version 0.0.4), served at
/// `/metrics`. Small and lock-protected: one short critical section per update.
///
/// Every described family is in the exposition from the start: its series with known labels at
/// zero (`describe(_:type:help:series:)`), and at least its HELP and TYPE lines when its labels
/// are only known once traffic arrives (an API's returned status, a policy's reason codes).
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

    /// Describes a metric family; `type` is counter or gauge. The `series` listed (by default the
    /// one without labels) are exposed at zero until they are first updated; pass `[]` for a
    /// family whose labels are only known from traffic.
    public func describe(_ name: String, type: String, help: String, series: [KeyValuePairs<String, String>] = [[:]]) {
        precondition(type == "counter" || type == "gauge", "describe histograms with describeHistogram")
        let known = series.map { Series(name: name, labels: Self.labels($0)) }
        state.withLock { state in
            state.help[name] = (type, help)
            for series in known {
                if type == "counter" {
                    if state.counters[series] == nil { state.counters[series] = 0 }
                } else if state.gauges[series] == nil {
                    state.gauges[series] = 0
                }
            }
        }
    }

    /// Describes a histogram family with its bucket upper bounds; the `series` listed are exposed
    /// empty (count 0) until their first observation.
    public func describeHistogram(_ name: String, help: String, buckets: [Double], series: [KeyValuePairs<String, String>] = [[:]]) {
        let known = series.map { Series(name: name, labels: Self.labels($0)) }
        state.withLock { state in
            state.help[name] = ("histogram", help)
            for series in known where state.histograms[series] == nil {
                state.histograms[series] = Histogram(buckets: buckets, counts: [Int](repeating: 0, count: buckets.count))
            }
        }
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

    /// The exposition text: families in name order, each with its HELP and TYPE lines.
    public func render() -> String {
        let state = state.withLock { $0 }
        var out = ""
        func labelText(_ labels: [String], extra: String? = nil) -> String {
            let all = labels + (extra.map { [$0] } ?? [])
            return all.isEmpty ? "" : "{" + all.joined(separator: ",") + "}"
        }
        func sorted(_ series: some Sequence<Series>, named name: String) -> [Series] {
            series.filter { $0.name == name }.sorted { $0.labels.joined() < $1.labels.joined() }
        }
        let names = Set(state.help.keys).union(state.counters.keys.map(\.name)).union(state.gauges.keys.map(\.name))
            .union(state.histograms.keys.map(\.name))
        for name in names.sorted() {
            if let help = state.help[name] { out += "# HELP \(name) \(help.text)\n# TYPE \(name) \(help.type)\n" }
            for s in sorted(state.counters.keys, named: name) {
                out += "\(name)\(labelText(s.labels)) \(Self.number(state.counters[s]!))\n"
            }
            for s in sorted(state.gauges.keys, named: name) {
                out += "\(name)\(labelText(s.labels)) \(Self.number(state.gauges[s]!))\n"
            }
            for s in sorted(state.histograms.keys, named: name) {
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

    /// A label value as the exposition format writes it: backslash, double quote and line feed
    /// escaped. Runs on every update, so values with nothing to escape (nearly all) are returned as
    /// they are without a copy.
    static func escape(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) else {
            return value
        }
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count + 8)
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
