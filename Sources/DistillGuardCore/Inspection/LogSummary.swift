/// What a log contains: the figures `distillguard inspect` prints.
///
/// Accumulates one event at a time in memory proportional to the number of accounts and models,
/// never to the number of events.
public struct LogSummary: Sendable {
    public private(set) var events = 0
    public private(set) var first: Timestamp?
    public private(set) var last: Timestamp?
    public private(set) var apiCounts: [String: Int] = [:]
    public private(set) var modelCounts: [String: Int] = [:]
    public private(set) var accountCounts: [String: Int] = [:]
    public private(set) var inputTokens = 0
    public private(set) var outputTokens = 0
    public private(set) var failed = 0

    public init() {}

    public mutating func add(_ event: Event) {
        events += 1
        if first.map({ event.timestamp < $0 }) ?? true { first = event.timestamp }
        if last.map({ event.timestamp > $0 }) ?? true { last = event.timestamp }
        apiCounts[event.api.rawValue, default: 0] += 1
        modelCounts[event.exchange.model ?? "(none)", default: 0] += 1
        accountCounts[event.accountID, default: 0] += 1
        inputTokens += event.usage.inputTokens ?? 0
        outputTokens += event.usage.outputTokens ?? 0
        if event.exchange.error != nil || (event.status ?? 200) >= 400 { failed += 1 }
    }

    /// Accounts by descending volume (ties by id, so the order is stable).
    public func topAccounts(_ limit: Int) -> [(accountID: String, events: Int)] {
        Self.ranked(accountCounts, limit: limit).map { (accountID: $0.key, events: $0.count) }
    }

    static func ranked(_ counts: [String: Int], limit: Int) -> [(key: String, count: Int)] {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .prefix(limit)
            .map { (key: $0.key, count: $0.value) }
    }

    /// The summary as a JSON object (for `inspect --json`).
    public func json(read: EventLogReader.Summary, top: Int) -> JSONValue {
        func counts(_ dict: [String: Int]) -> JSONValue {
            .object(JSONObject(Self.ranked(dict, limit: dict.count).map { (key: $0.key, value: .int(Int64($0.count))) }))
        }
        return [
            "files": .array(read.files.map { .string($0) }),
            "events": .int(Int64(events)),
            "rejected": .int(Int64(read.rejected)),
            "duplicates": .int(Int64(read.duplicates)),
            "blank_lines": .int(Int64(read.blankLines)),
            "accounts": .int(Int64(accountCounts.count)),
            "failed_exchanges": .int(Int64(failed)),
            "first_event_at": first.map { .string($0.rfc3339) } ?? .null,
            "last_event_at": last.map { .string($0.rfc3339) } ?? .null,
            "input_tokens": .int(Int64(inputTokens)),
            "output_tokens": .int(Int64(outputTokens)),
            "apis": counts(apiCounts),
            "models": counts(modelCounts),
            "top_accounts": .array(
                topAccounts(top).map { ["account_id": .string($0.accountID), "events": .int(Int64($0.events))] }),
            "warnings": .array(read.warnings.map { .string($0) }),
        ]
    }

    /// The summary as text for a person.
    public func text(read: EventLogReader.Summary, top: Int) -> String {
        var lines: [String] = []
        lines.append("events      \(events)   (rejected \(read.rejected), duplicates \(read.duplicates), blank lines \(read.blankLines))")
        lines.append("accounts    \(accountCounts.count)")
        if let first, let last {
            let hours = Double(last.milliseconds - first.milliseconds) / 3_600_000
            lines.append("time span   \(first.rfc3339) → \(last.rfc3339)  (\(formatted(hours)) h)")
        }
        lines.append("tokens      \(inputTokens) in, \(outputTokens) out; \(failed) failed exchanges")
        lines.append("")
        lines.append("API mix")
        for (api, count) in Self.ranked(apiCounts, limit: apiCounts.count) {
            lines.append("  \(api.padding(28))\(count.padded(9))  \(percent(count))")
        }
        lines.append("")
        lines.append("model mix")
        for (model, count) in Self.ranked(modelCounts, limit: 15) {
            lines.append("  \(model.padding(28))\(count.padded(9))  \(percent(count))")
        }
        if modelCounts.count > 15 { lines.append("  … and \(modelCounts.count - 15) more models") }
        lines.append("")
        lines.append("top accounts by volume")
        for (account, count) in topAccounts(top) {
            lines.append("  \(account.padding(28))\(count.padded(9))  \(percent(count))")
        }
        return lines.joined(separator: "\n")
    }

    private func percent(_ count: Int) -> String {
        guard events > 0 else { return "" }
        return formatted(Double(count) * 100 / Double(events)) + "%"
    }

    private func formatted(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}

extension Int {
    func padded(_ width: Int) -> String {
        let text = String(self)
        return text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
