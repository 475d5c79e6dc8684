/// An analyst's ruling on a verdict: confirmed (the account or cluster is a campaign: enforce) or
/// dismissed (a legitimate customer: never enforce on the verdict).
///
/// Decisions are kept for good: they change enforcement in the gateway at its next refresh, and
/// they are the labelled data `distillguard train --database` learns from.
public struct AnalystDecision: Sendable, Equatable {
    public enum Subject: String, Sendable, CaseIterable {
        case account
        case cluster
    }

    public enum Ruling: String, Sendable, CaseIterable {
        case confirmed
        case dismissed
    }

    /// Assigned by the store; nil before the decision is stored.
    public var id: Int64?
    public var subject: Subject
    /// The account id, or the cluster id (cluster ids are renumbered by every analysis, so a
    /// cluster decision applies to `accounts`, its members when it was decided).
    public var subjectID: String
    public var ruling: Ruling
    public var analyst: String
    public var note: String
    public var decidedAt: Timestamp
    /// The accounts the decision covers: the account itself, or the cluster's members.
    public var accounts: [String]

    public init(
        id: Int64? = nil, subject: Subject, subjectID: String, ruling: Ruling, analyst: String, note: String = "",
        decidedAt: Timestamp, accounts: [String]
    ) {
        self.id = id
        self.subject = subject
        self.subjectID = subjectID
        self.ruling = ruling
        self.analyst = analyst
        self.note = note
        self.decidedAt = decidedAt
        self.accounts = accounts
    }

    /// A decision as the admin API writes it (`json`); nil when `value` is not one.
    public init?(json value: JSONValue) {
        guard let subject = value["subject"]?.stringValue.flatMap(Subject.init(rawValue:)),
            let subjectID = value["subject_id"]?.stringValue, let ruling = value["ruling"]?.stringValue.flatMap(Ruling.init(rawValue:)),
            let decidedAt = value["decided_at"]?.stringValue.flatMap(Timestamp.init(rfc3339:)),
            let accounts = value["accounts"]?.arrayValue?.compactMap(\.stringValue)
        else { return nil }
        self.init(
            id: value["id"]?.intValue.map(Int64.init), subject: subject, subjectID: subjectID, ruling: ruling,
            analyst: value["analyst"]?.stringValue ?? "", note: value["note"]?.stringValue ?? "", decidedAt: decidedAt, accounts: accounts)
    }

    public var json: JSONValue {
        var object: JSONObject = [
            "subject": .string(subject.rawValue), "subject_id": .string(subjectID), "ruling": .string(ruling.rawValue),
            "analyst": .string(analyst), "note": .string(note), "decided_at": .string(decidedAt.rfc3339),
            "accounts": .array(accounts.map { .string($0) }),
        ]
        if let id { object["id"] = .int(id) }
        return .object(object)
    }
}

/// Every decision, resolved per account: the latest ruling that covers an account wins, and an
/// account-level ruling wins over an older or newer cluster-level one, being the more specific.
public struct DecisionLedger: Sendable {
    public struct Entry: Sendable, Equatable {
        public var ruling: AnalystDecision.Ruling
        public var analyst: String
        public var decidedAt: Timestamp
        /// The account, or the cluster it was decided through.
        public var subject: AnalystDecision.Subject
        public var subjectID: String
    }

    public private(set) var accounts: [String: Entry] = [:]
    public private(set) var count = 0

    public init(_ decisions: [AnalystDecision] = []) {
        for decision in decisions.sorted(by: { ($0.decidedAt, $0.id ?? 0) < ($1.decidedAt, $1.id ?? 0) }) {
            count += 1
            let entry = Entry(
                ruling: decision.ruling, analyst: decision.analyst, decidedAt: decision.decidedAt, subject: decision.subject,
                subjectID: decision.subjectID)
            for account in decision.accounts {
                if decision.subject == .cluster, accounts[account]?.subject == .account { continue }
                accounts[account] = entry
            }
        }
    }

    public var isEmpty: Bool { accounts.isEmpty }

    /// Ground-truth labels in the contract's form (`{"account_id", "label", "campaign"}`): confirmed
    /// accounts are `attack` (campaign: the cluster they were confirmed through), dismissed ones `benign`.
    public var labels: [(accountID: String, label: String, campaign: String?)] {
        accounts.keys.sorted().map { account in
            let entry = accounts[account]!
            let attack = entry.ruling == .confirmed
            return (account, attack ? "attack" : "benign", attack && entry.subject == .cluster ? entry.subjectID : nil)
        }
    }

    /// The labels as JSON Lines, in the labels contract's format.
    public var labelsJSONLines: String {
        labels.map { label in
            let object: JSONValue = [
                "account_id": .string(label.accountID), "label": .string(label.label),
                "campaign": label.campaign.map { .string($0) } ?? .null,
            ]
            return object.description + "\n"
        }.joined()
    }

    /// The labels as `GroundTruth`, for training.
    public var groundTruth: [String: GroundTruth] {
        var truth: [String: GroundTruth] = [:]
        for label in labels {
            truth[label.accountID] = GroundTruth(isAttack: label.label == "attack", campaign: label.campaign, kind: "analyst")
        }
        return truth
    }
}

extension EnforcementSnapshot {
    /// The snapshot with analysts' rulings applied: a confirmed account is enforced on as an
    /// attack whatever its score; a dismissed one is benign and outside its cluster, so no
    /// verdict-, score-, signal- or cluster-based rule acts on it. (Template-level rules still see
    /// its prompts: a dismissal clears a customer, not a harvesting template.)
    public func applying(_ ledger: DecisionLedger) -> EnforcementSnapshot {
        guard !ledger.isEmpty else { return self }
        var result = self
        for (account, entry) in ledger.accounts {
            let through = entry.subject == .cluster ? " (cluster \(entry.subjectID))" : ""
            switch entry.ruling {
            case .confirmed:
                var state =
                    result.accounts[account]
                    ?? AccountState(verdict: .attack, score: 1, clusterID: nil, signals: [:], evidence: [])
                state.verdict = .attack
                state.score = max(state.score, 1)
                state.evidence.insert("confirmed as a campaign by analyst \(entry.analyst)\(through) on \(entry.decidedAt.rfc3339)", at: 0)
                result.accounts[account] = state
            case .dismissed:
                guard var state = result.accounts[account] else { continue }
                state.verdict = .benign
                state.score = 0
                state.clusterID = nil
                state.signals = [:]
                state.evidence = ["dismissed as legitimate by analyst \(entry.analyst)\(through) on \(entry.decidedAt.rfc3339)"]
                result.accounts[account] = state
            }
        }
        return result
    }
}
