/// The snapshot as `distillguard serve` publishes it to gateways (`GET /v1/enforcement`), so that
/// every gateway enforces the one service's verdicts instead of a private engine over its own
/// slice of traffic.
///
/// Only the accounts a policy can act on are sent: those above `benign`, those with a compliance
/// assessment, and those whose score or a signal reaches a minimum the gateway's policy tests
/// (`Selection`). Any other account decides exactly as an account absent from the snapshot. Zero
/// signals are left out for the same reason (a policy reads a missing signal as 0).
extension EnforcementSnapshot {
    /// What, beyond the accounts above `benign` and those with a compliance assessment, a policy
    /// can act on: a score or a signal at or above a minimum.
    public struct Selection: Sendable, Equatable {
        public var minimumScore: Double?
        public var signals: [String: Double]

        public init(minimumScore: Double? = nil, signals: [String: Double] = [:]) {
            self.minimumScore = minimumScore
            self.signals = signals
        }

        /// Whether an account in this state can meet one of the minimums.
        func includes(_ account: AccountState) -> Bool {
            if account.verdict > .benign || account.compliance != nil { return true }
            if let minimumScore, account.score >= minimumScore { return true }
            return signals.contains { name, minimum in (account.signals[name] ?? 0) >= minimum }
        }
    }

    public func json(selecting selection: Selection) -> JSONValue {
        var accounts: [(key: String, value: JSONValue)] = []
        for id in self.accounts.keys.sorted() {
            let account = self.accounts[id]!
            guard selection.includes(account) else { continue }
            var object: JSONObject = [
                "verdict": .string(account.verdict.rawValue), "score": .double(account.score),
                "evidence": .array(account.evidence.map { .string($0) }),
            ]
            if let cluster = account.clusterID { object["cluster_id"] = .string(cluster) }
            let signals = account.signals.filter { $0.value != 0 }.sorted { $0.key < $1.key }
            if !signals.isEmpty { object["signals"] = .object(JSONObject(signals.map { (key: $0.key, value: .double($0.value)) })) }
            if let compliance = account.compliance { object["compliance"] = compliance.json }
            accounts.append((id, .object(object)))
        }
        let clusters = self.clusters.keys.sorted().map { id -> (key: String, value: JSONValue) in
            (id, ["verdict": .string(self.clusters[id]!.verdict.rawValue), "score": .double(self.clusters[id]!.score)])
        }
        return [
            "built_at_ms": .int(builtAt), "events_analyzed": .int(Int64(eventsAnalyzed)),
            "enforcement_points": .int(Int64(enforcementPoints)), "accounts": .object(JSONObject(accounts)),
            "clusters": .object(JSONObject(clusters)), "templates": templates.json,
        ]
    }

    /// A snapshot as `json(selecting:)` writes it.
    public init(json value: JSONValue) throws {
        let root = try FieldReader.of(value, path: "")
        var accounts: [String: AccountState] = [:]
        if let object = try root.object("accounts") {
            for (id, entry) in object.object {
                let account = try FieldReader.of(entry, path: object.path(of: id))
                let signals = try (account.object("signals")).map { reader in
                    try reader.object.reduce(into: [String: Double]()) { signals, member in
                        guard let number = member.value.doubleValue else {
                            throw EventRejection.wrongType(reader.path(of: member.key), expected: "number", got: member.value)
                        }
                        signals[member.key] = number
                    }
                }
                accounts[id] = AccountState(
                    verdict: try Self.verdict(account, "verdict"), score: try account.double("score") ?? 0,
                    clusterID: try account.string("cluster_id"), signals: signals ?? [:],
                    evidence: try Self.strings(account, "evidence"),
                    compliance: try account.object("compliance").map { try ComplianceAssessment(json: $0, subject: id) })
            }
        }
        var clusters: [String: ClusterState] = [:]
        if let object = try root.object("clusters") {
            for (id, entry) in object.object {
                let cluster = try FieldReader.of(entry, path: object.path(of: id))
                clusters[id] = ClusterState(verdict: try Self.verdict(cluster, "verdict"), score: try cluster.double("score") ?? 0)
            }
        }
        let points = try root.int("enforcement_points") ?? 1
        guard points >= 1 else { throw EventRejection.invalid(root.path(of: "enforcement_points"), "must be at least 1 (got \(points))") }
        self.init(
            accounts: accounts, clusters: clusters, templates: try TemplateMatcher(json: root.array("templates") ?? [], path: "templates"),
            builtAt: try root.int("built_at_ms").map(Int64.init) ?? 0, eventsAnalyzed: try root.int("events_analyzed") ?? 0,
            enforcementPoints: points)
    }

    static func verdict(_ reader: FieldReader, _ key: String) throws -> Verdict.Kind {
        let text = try reader.requiredString(key)
        guard let verdict = Verdict.Kind(rawValue: text) else {
            throw EventRejection.invalid(reader.path(of: key), "'\(text)' is not a verdict (benign, review or attack)")
        }
        return verdict
    }

    static func strings(_ reader: FieldReader, _ key: String) throws -> [String] {
        var strings: [String] = []
        for (index, value) in (try reader.array(key) ?? []).enumerated() {
            guard let text = value.stringValue else {
                throw EventRejection.wrongType("\(reader.path(of: key))[\(index)]", expected: "string", got: value)
            }
            strings.append(text)
        }
        return strings
    }
}

extension TemplateMatcher {
    /// Each flagged template with the anchor and band keys that recognize its prompts (hex).
    var json: JSONValue {
        var keysByTemplate: [Int32: [UInt64]] = [:]
        for (key, id) in keys { keysByTemplate[id, default: []].append(key) }
        return .array(
            templates.keys.sorted().map { id in
                let template = templates[id]!
                return [
                    "id": .int(Int64(id)), "label": .string(template.label), "verdict": .string(template.verdict.rawValue),
                    "score": .double(template.score),
                    "keys": .array((keysByTemplate[Int32(id)] ?? []).sorted().map { .string(String($0, radix: 16)) }),
                ]
            })
    }

    init(json entries: [JSONValue], path: String) throws {
        var keys: [UInt64: Int32] = [:]
        var templates: [Int: Template] = [:]
        for (index, entry) in entries.enumerated() {
            let reader = try FieldReader.of(entry, path: "\(path)[\(index)]")
            guard let id = try reader.int("id"), let id32 = Int32(exactly: id) else {
                throw EventRejection.invalid(reader.path(of: "id"), "a template needs an integer id")
            }
            templates[id] = Template(
                label: try reader.requiredString("label"), verdict: try EnforcementSnapshot.verdict(reader, "verdict"),
                score: try reader.double("score") ?? 0)
            for (keyIndex, text) in try EnforcementSnapshot.strings(reader, "keys").enumerated() {
                guard let key = UInt64(text, radix: 16) else {
                    throw EventRejection.invalid("\(reader.path(of: "keys"))[\(keyIndex)]", "'\(text)' is not a hexadecimal key")
                }
                keys[key] = id32
            }
        }
        self.init(keys: keys, templates: templates)
    }
}

extension ComplianceAssessment {
    /// An assessment as `json` writes it (the signals' weights are not in it, and not needed to enforce).
    init(json reader: FieldReader, subject: String) throws {
        let confidenceText = try reader.requiredString("confidence")
        guard let confidence = ComplianceConfidence(rawValue: confidenceText) else {
            throw EventRejection.invalid(reader.path(of: "confidence"), "'\(confidenceText)' is not low, medium or high")
        }
        var signals: [ComplianceSignal] = []
        for (index, value) in (try reader.array("signals") ?? []).enumerated() {
            let signal = try FieldReader.of(value, path: "\(reader.path(of: "signals"))[\(index)]")
            signals.append(
                ComplianceSignal(
                    family: try signal.string("family") ?? "", name: try signal.string("name") ?? "", weight: 0,
                    detail: try signal.string("detail") ?? ""))
        }
        self.init(
            subject: subject, region: try reader.requiredString("region"), confidence: confidence, score: try reader.double("score") ?? 0,
            signals: signals)
    }
}

extension FieldReader {
    /// A reader of `value`, which must be an object.
    static func of(_ value: JSONValue, path: String) throws -> FieldReader {
        guard case .object(let object) = value else { throw EventRejection.wrongType(path, expected: "object", got: value) }
        return FieldReader(object, path: path)
    }
}

extension Policy {
    /// The accounts, beyond those above `benign` or with a compliance assessment, that this policy's
    /// rules can act on: the lowest `min_score` and, per signal, the lowest minimum of any rule.
    public var enforcementSelection: EnforcementSnapshot.Selection {
        var selection = EnforcementSnapshot.Selection()
        for rule in rules {
            if let minimum = rule.when.minimumScore { selection.minimumScore = min(selection.minimumScore ?? minimum, minimum) }
            for (name, minimum) in rule.when.signals { selection.signals[name] = min(selection.signals[name] ?? minimum, minimum) }
        }
        return selection
    }
}

extension EnforcementSnapshot.Selection {
    /// The selection as query parameters of `GET /v1/enforcement`: `min_score=X` and one
    /// `signal=NAME:X` per signal.
    public var queryItems: [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        if let minimumScore { items.append(("min_score", Self.decimal(minimumScore))) }
        for (name, minimum) in signals.sorted(by: { $0.key < $1.key }) { items.append(("signal", "\(name):\(Self.decimal(minimum))")) }
        return items
    }

    /// Reads the query parameters `queryItems` writes; the error says which one is wrong and why.
    public init(minimumScore: String?, signals: [String]) throws(InvalidSelection) {
        self.init()
        if let minimumScore {
            guard let value = Double(minimumScore), value >= 0, value <= 1 else {
                throw InvalidSelection("min_score must be a number from 0 to 1, not '\(minimumScore)'")
            }
            self.minimumScore = value
        }
        for item in signals {
            guard let colon = item.lastIndex(of: ":"), let value = Self.unitInterval(item[item.index(after: colon)...]) else {
                throw InvalidSelection(
                    "signal must be NAME:MINIMUM, the minimum from 0 to 1 with at most 6 decimals (e.g. maximal_budget_rate:0.5), not '\(item)'"
                )
            }
            let name = String(item[..<colon])
            guard AccountSignals.names.contains(name) else {
                throw InvalidSelection("signal '\(name)' is not one of: \(AccountSignals.names.joined(separator: ", "))")
            }
            self.signals[name] = min(self.signals[name] ?? value, value)
        }
    }

    /// `value` clamped to [0, 1] and rounded down to 6 decimals (a minimum that low or lower
    /// selects every account the exact one would), written as `unitInterval` reads it.
    static func decimal(_ value: Double) -> String {
        let micro = Int((min(max(value, 0), 1) * 1_000_000).rounded(.down))
        if micro == 1_000_000 { return "1" }
        let digits = String(micro)
        return "0." + String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// A minimum as `queryItems` writes it and the OpenAPI document allows: 0 or 1, or either with
    /// one to six decimals (`0.25`, `1.0`), nothing else.
    static func unitInterval(_ text: Substring) -> Double? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts[0] == "0" || parts[0] == "1" else { return nil }
        if parts.count == 2 {
            let decimals = parts[1]
            guard (1...6).contains(decimals.count), decimals.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            if parts[0] == "1", decimals.contains(where: { $0 != "0" }) { return nil }
        }
        return Double(text)
    }

    public struct InvalidSelection: Error, Sendable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
