/// Ground truth for one account (labels contract, plus the simulator's `kind`).
public struct GroundTruth: Sendable {
    public var isAttack: Bool
    public var campaign: String?
    public var kind: String?
    /// The simulator's ground truth for regional compliance (`restricted_region`), when labelled.
    public var restrictedRegion: Bool?

    public init(isAttack: Bool, campaign: String?, kind: String?, restrictedRegion: Bool? = nil) {
        self.isAttack = isAttack
        self.campaign = campaign
        self.kind = kind
        self.restrictedRegion = restrictedRegion
    }

    /// Reads labels.jsonl; bad lines fail with file, line and reason.
    public static func load(_ path: String) throws -> [String: GroundTruth] {
        var labels: [String: GroundTruth] = [:]
        var line = 0
        try JSONLinesFile.forEachLine(path) { bytes in
            line += 1
            let value: JSONValue
            do { value = try JSONParser.parse(bytes) } catch { throw EvaluationError(description: "\(path):\(line): \(error)") }
            guard let account = value["account_id"]?.stringValue, let label = value["label"]?.stringValue,
                label == "attack" || label == "benign"
            else {
                throw EvaluationError(
                    description: "\(path):\(line): expected {\"account_id\": string, \"label\": \"attack\"|\"benign\", …}")
            }
            labels[account] = GroundTruth(
                isAttack: label == "attack", campaign: value["campaign"]?.stringValue, kind: value["kind"]?.stringValue,
                restrictedRegion: value["restricted_region"]?.boolValue)
        }
        return labels
    }
}

public struct EvaluationError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// One system's flags, as evaluated: verdict and first flag time per flagged account.
public struct FlagSet: Sendable {
    public var name: String
    public var flags: [String: (verdict: Verdict.Kind, firstFlaggedAt: Timestamp?)]

    public init(name: String, flags: [String: (verdict: Verdict.Kind, firstFlaggedAt: Timestamp?)]) {
        self.name = name
        self.flags = flags
    }

    /// Reads a verdicts file of the output contract.
    public static func load(verdicts path: String) throws -> FlagSet {
        try load(verdicts: readJSON(path), path: path)
    }

    /// The whole verdicts file, parsed.
    public static func readJSON(_ path: String) throws -> JSONValue {
        var text: [UInt8] = []
        let source = try ByteSources.open(path)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var s = source
        while true {
            let count = try buffer.withUnsafeMutableBytes { try s.read(into: $0) }
            if count == 0 { break }
            text += buffer[0..<count]
        }
        source.close()
        do { return try JSONParser.parse(text) } catch { throw EvaluationError(description: "\(path): \(error)") }
    }

    public static func load(verdicts value: JSONValue, path: String) throws -> FlagSet {
        guard let accounts = value["accounts"]?.arrayValue else { throw EvaluationError(description: "\(path): no \"accounts\" array") }
        var flags: [String: (Verdict.Kind, Timestamp?)] = [:]
        for (index, account) in accounts.enumerated() {
            guard let id = account["account_id"]?.stringValue,
                let verdict = account["verdict"]?.stringValue.flatMap(Verdict.Kind.init(rawValue:))
            else {
                throw EvaluationError(description: "\(path): accounts[\(index)] needs account_id and a verdict of attack, review or benign")
            }
            flags[id] = (verdict, account["first_flagged_at"]?.stringValue.flatMap { Timestamp(rfc3339: $0) })
        }
        return FlagSet(name: "distillguard", flags: flags)
    }
}

/// Per-account facts from the event log that evaluation needs: exchanges and their times per
/// campaign (for exchange-weighted recall and exchanges seen before the first flag).
public struct CampaignTraffic: Sendable {
    public var exchangesByAccount: [String: Int] = [:]
    /// Event times per campaign, in log order.
    public var timesByCampaign: [String: [Timestamp]] = [:]

    public init() {}

    public mutating func add(_ event: Event, labels: [String: GroundTruth]) {
        exchangesByAccount[event.accountID, default: 0] += 1
        if let campaign = labels[event.accountID]?.campaign { timesByCampaign[campaign, default: []].append(event.timestamp) }
    }
}

/// The figures `distillguard eval` prints.
public struct EvaluationReport: Sendable {
    public struct Counts: Sendable {
        public var truePositives = 0
        public var falsePositives = 0
        public var falseNegatives = 0
        public var precision: Double { Double(truePositives) / Double(max(truePositives + falsePositives, 1)) }
        public var recall: Double { Double(truePositives) / Double(max(truePositives + falseNegatives, 1)) }
        public var f1: Double { precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0 }
    }

    public struct Detection: Sendable {
        public var campaign: String
        public var accounts: Int
        public var recall: Double
        public var recallWithReview: Double
        public var hoursToDetect: Double?
        public var exchangesBeforeFlag: Int?
        public var exchanges: Int?
    }

    public var name: String
    public var attack = Counts()
    public var attackOrReview = Counts()
    /// Benign kind → (accounts, flagged attack, flagged attack or review).
    public var benignByKind: [String: (accounts: Int, attack: Int, flagged: Int)] = [:]
    public var campaigns: [Detection] = []
    public var exchangeWeightedRecall: Double?
    /// Labelled accounts that sent nothing in the logs evaluated (known only with the events):
    /// no system can judge them, so they count neither way.
    public var notInLog: (accounts: Int, attack: Int)?

    public init(flags: FlagSet, labels allLabels: [String: GroundTruth], traffic: CampaignTraffic?) {
        name = flags.name
        var labels = allLabels
        if let traffic {
            labels = allLabels.filter { traffic.exchangesByAccount[$0.key, default: 0] > 0 }
            let silent = allLabels.filter { traffic.exchangesByAccount[$0.key, default: 0] == 0 }
            notInLog = (silent.count, silent.values.filter(\.isAttack).count)
        }
        var campaignAccounts: [String: [String]] = [:]
        for (account, truth) in labels {
            let verdict = flags.flags[account]?.verdict ?? .benign
            Self.count(&attack, predicted: verdict == .attack, actual: truth.isAttack)
            Self.count(&attackOrReview, predicted: verdict != .benign, actual: truth.isAttack)
            if truth.isAttack {
                campaignAccounts[truth.campaign ?? "(none)", default: []].append(account)
            } else {
                var entry = benignByKind[truth.kind ?? "(none)"] ?? (0, 0, 0)
                entry.accounts += 1
                if verdict == .attack { entry.attack += 1 }
                if verdict != .benign { entry.flagged += 1 }
                benignByKind[truth.kind ?? "(none)"] = entry
            }
        }
        if let traffic {
            var caught = 0
            var total = 0
            for (account, truth) in labels where truth.isAttack {
                let exchanges = traffic.exchangesByAccount[account] ?? 0
                total += exchanges
                if flags.flags[account]?.verdict == .attack { caught += exchanges }
            }
            exchangeWeightedRecall = total > 0 ? Double(caught) / Double(total) : nil
        }
        campaigns = campaignAccounts.keys.sorted().map { campaign in
            let accounts = campaignAccounts[campaign]!
            let attacks = accounts.filter { flags.flags[$0]?.verdict == .attack }.count
            let flagged = accounts.filter { flags.flags[$0] != nil && flags.flags[$0]!.verdict != .benign }.count
            let firstFlag = accounts.compactMap { flags.flags[$0]?.firstFlaggedAt }.min()
            var detection = Detection(
                campaign: campaign, accounts: accounts.count, recall: Double(attacks) / Double(accounts.count),
                recallWithReview: Double(flagged) / Double(accounts.count))
            if let times = traffic?.timesByCampaign[campaign], let start = times.min() {
                detection.exchanges = times.count
                if let firstFlag {
                    detection.hoursToDetect = Double(firstFlag.milliseconds - start.milliseconds) / 3_600_000
                    detection.exchangesBeforeFlag = times.filter { $0 < firstFlag }.count
                }
            }
            return detection
        }
    }

    static func count(_ counts: inout Counts, predicted: Bool, actual: Bool) {
        switch (predicted, actual) {
        case (true, true): counts.truePositives += 1
        case (true, false): counts.falsePositives += 1
        case (false, true): counts.falseNegatives += 1
        case (false, false): break
        }
    }

    public var text: String {
        var lines = ["== \(name) =="]
        lines.append(
            "attack            precision \(fmt(attack.precision))  recall \(fmt(attack.recall))  F1 \(fmt(attack.f1))   (TP \(attack.truePositives), FP \(attack.falsePositives), FN \(attack.falseNegatives))"
        )
        lines.append(
            "attack or review  precision \(fmt(attackOrReview.precision))  recall \(fmt(attackOrReview.recall))  F1 \(fmt(attackOrReview.f1))   (TP \(attackOrReview.truePositives), FP \(attackOrReview.falsePositives), FN \(attackOrReview.falseNegatives))"
        )
        if let exchangeWeightedRecall { lines.append("exchange-weighted recall (attack): \(fmt(exchangeWeightedRecall))") }
        if let notInLog, notInLog.accounts > 0 {
            lines.append(
                "labelled accounts with no exchanges in the logs, not counted: \(notInLog.accounts) (\(notInLog.attack) labelled attack)")
        }
        lines.append("false-positive rate on benign accounts, by kind (attack / attack or review):")
        for (kind, entry) in benignByKind.sorted(by: { $0.key < $1.key }) {
            lines.append(
                "  \(kind.padding(20))\(String(entry.accounts).leftPadded(7)) accounts   \(fmt(Double(entry.attack) / Double(max(entry.accounts, 1))))   \(fmt(Double(entry.flagged) / Double(max(entry.accounts, 1))))"
            )
        }
        lines.append("campaigns: recall (attack / attack or review), time to detect")
        for c in campaigns {
            var line =
                "  \(c.campaign.padding(20))\(String(c.accounts).leftPadded(7)) accounts   \(fmt(c.recall))   \(fmt(c.recallWithReview))"
            if let hours = c.hoursToDetect, let before = c.exchangesBeforeFlag, let total = c.exchanges {
                line +=
                    "   first flag after \(String(format1: hours)) h, \(before) of \(total) exchanges (\(String(format1: 100 * Double(before) / Double(max(total, 1))))%)"
            } else if c.recallWithReview == 0 {
                line += "   never flagged"
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    func fmt(_ x: Double) -> String {
        let value = (x * 1000).rounded() / 1000
        var text = String(value)
        while text.count < 5 { text += "0" }
        return text
    }

    /// The figures as JSON (`eval --json`).
    public var json: JSONValue {
        func counts(_ c: Counts) -> JSONValue {
            [
                "precision": .double(c.precision), "recall": .double(c.recall), "f1": .double(c.f1), "tp": .int(Int64(c.truePositives)),
                "fp": .int(Int64(c.falsePositives)), "fn": .int(Int64(c.falseNegatives)),
            ]
        }
        return [
            "system": .string(name), "attack": counts(attack), "attack_or_review": counts(attackOrReview),
            "exchange_weighted_recall": exchangeWeightedRecall.map { .double($0) } ?? .null,
            "not_in_log": notInLog.map { ["accounts": .int(Int64($0.accounts)), "attack": .int(Int64($0.attack))] } ?? .null,
            "benign_by_kind": .object(
                JSONObject(
                    benignByKind.sorted { $0.key < $1.key }.map { kind, entry in
                        (
                            key: kind,
                            value: [
                                "accounts": .int(Int64(entry.accounts)), "attack": .int(Int64(entry.attack)),
                                "flagged": .int(Int64(entry.flagged)),
                            ]
                        )
                    })),
            "campaigns": .array(
                campaigns.map { c in
                    [
                        "campaign": .string(c.campaign), "accounts": .int(Int64(c.accounts)), "recall": .double(c.recall),
                        "recall_with_review": .double(c.recallWithReview), "hours_to_detect": c.hoursToDetect.map { .double($0) } ?? .null,
                        "exchanges_before_flag": c.exchangesBeforeFlag.map { .int(Int64($0)) } ?? .null,
                        "exchanges": c.exchanges.map { .int(Int64($0)) } ?? .null,
                    ]
                }),
        ]
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

/// Regional compliance against the simulator's `restricted_region` labels: an account counts as
/// flagged at `medium` confidence or above (the default policy's review threshold).
public struct ComplianceEvaluation: Sendable {
    public var regions: [String]
    public var counts = EvaluationReport.Counts()
    /// How the accounts of one kind were assessed.
    public struct KindCounts: Sendable {
        public var accounts = 0
        public var high = 0
        /// At medium or high.
        public var mediumOrHigh = 0
        /// At low only.
        public var low = 0
    }
    /// Kind → counts, for accounts not in a restricted region (the look-alikes among them).
    public var lookAlikes: [String: KindCounts] = [:]
    /// Kind → counts, for accounts operated from a restricted region.
    public var operators: [String: KindCounts] = [:]

    /// Nil when the verdicts have no compliance section or no label says `restricted_region`.
    public init?(verdicts: JSONValue, labels: [String: GroundTruth]) {
        guard let section = verdicts["compliance"], labels.values.contains(where: { $0.restrictedRegion != nil }) else { return nil }
        regions = (section["restricted_regions"]?.arrayValue ?? []).compactMap(\.stringValue)
        var confidence: [String: ComplianceConfidence] = [:]
        for entry in section["accounts"]?.arrayValue ?? [] {
            if let id = entry["account_id"]?.stringValue, let level = entry["confidence"]?.stringValue.flatMap(ComplianceConfidence.init) {
                confidence[id] = level
            }
        }
        for (account, truth) in labels {
            let level = confidence[account]
            let flagged = level.map { $0 >= .medium } ?? false
            let restricted = truth.restrictedRegion ?? false
            EvaluationReport.count(&counts, predicted: flagged, actual: restricted)
            let kind = truth.kind ?? "(none)"
            var entry = (restricted ? operators[kind] : lookAlikes[kind]) ?? KindCounts()
            entry.accounts += 1
            if level == .high { entry.high += 1 }
            if flagged { entry.mediumOrHigh += 1 } else if level == .low { entry.low += 1 }
            if restricted { operators[kind] = entry } else { lookAlikes[kind] = entry }
        }
    }

    public var text: String {
        var lines = [
            "regional compliance (restricted: \(regions.joined(separator: ", "))), assessed medium or high = flagged",
            "  precision \(Self.fmt(counts.precision))   recall \(Self.fmt(counts.recall))   (tp \(counts.truePositives), fp \(counts.falsePositives), fn \(counts.falseNegatives))",
            "  operated from a restricted region, by kind (medium+ recall, high):",
        ]
        for (kind, entry) in operators.sorted(by: { $0.key < $1.key }) {
            let recall = Self.fmt(Double(entry.mediumOrHigh) / Double(max(entry.accounts, 1)))
            lines.append("    \(kind.padding(22))\(String(entry.accounts).leftPadded(7)) accounts   recall \(recall)   high \(entry.high)")
        }
        lines.append("  accounts not in a restricted region, by kind (high / medium+ / low only):")
        for (kind, entry) in lookAlikes.sorted(by: { $0.key < $1.key })
        where entry.mediumOrHigh + entry.low > 0 || Self.lookAlikeKinds.contains(kind) {
            lines.append(
                "    \(kind.padding(22))\(String(entry.accounts).leftPadded(7)) accounts   \(entry.high) / \(entry.mediumOrHigh) / \(entry.low)"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// The simulator's benign look-alikes, always listed.
    static let lookAlikeKinds: Set<String> = [
        "expatriate", "vpn_traveller", "office_abroad", "emigrant", "research_group_abroad", "vpn_user", "regional_traveller",
    ]

    static func fmt(_ x: Double) -> String { String((x * 1000).rounded() / 1000) }

    static func json(_ kinds: [String: KindCounts]) -> JSONValue {
        .object(
            JSONObject(
                kinds.sorted { $0.key < $1.key }.map { kind, entry in
                    (
                        key: kind,
                        value: [
                            "accounts": .int(Int64(entry.accounts)), "high": .int(Int64(entry.high)),
                            "medium_or_high": .int(Int64(entry.mediumOrHigh)), "low": .int(Int64(entry.low)),
                        ]
                    )
                }))
    }

    public var json: JSONValue {
        [
            "system": "regional_compliance", "restricted_regions": .array(regions.map(JSONValue.string)),
            "precision": .double(counts.precision), "recall": .double(counts.recall), "tp": .int(Int64(counts.truePositives)),
            "fp": .int(Int64(counts.falsePositives)), "fn": .int(Int64(counts.falseNegatives)),
            "look_alikes": Self.json(lookAlikes), "operators": Self.json(operators),
        ]
    }
}
