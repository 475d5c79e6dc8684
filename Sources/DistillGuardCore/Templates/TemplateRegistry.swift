#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What is known about one prompt template across all accounts.
public struct TemplateStats: Sendable, Codable {
    public let id: Int
    public var exchanges = 0
    public var accounts = DistinctCounter()
    public var cot = 0
    public var rubric = 0
    public var rewrite = 0
    public var reasoning = 0
    public var maximalBudget = 0
    public var capabilities = [Int](repeating: 0, count: Capability.allCases.count)
    public var firstSeen: Timestamp
    public var lastSeen: Timestamp
    /// The skeleton of the first prompt seen, e.g. `think step by step and show all of your reasoning … problem <num>`.
    public var skeleton: String
    /// One example prompt, PII redacted, cut to 600 characters.
    public var example: String
    /// The head and tail anchors of its first prompt (`TemplateSignature`), shareable with partners
    /// who compute the same signature over their own traffic.
    public var anchors: [UInt64] = []

    /// `T-0031`-style label used in evidence and reports.
    public var label: String { Self.label(id) }

    public static func label(_ id: Int) -> String {
        let digits = String(id)
        return "T-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    func rate(_ count: Int) -> Double { exchanges > 0 ? Double(count) / Double(exchanges) : 0 }

    mutating func record(_ features: ExchangeFeatures, account: UInt64, at time: Timestamp) {
        exchanges += 1
        accounts.insert(account)
        lastSeen = time
        if features.cotElicitation { cot += 1 }
        if features.rubricGrading { rubric += 1 }
        if features.sensitiveRewrite { rewrite += 1 }
        if features.reasoningRequested { reasoning += 1 }
        if features.maximalBudget { maximalBudget += 1 }
        capabilities[features.capability.rawValue] += 1
    }

    /// How strongly the template itself looks like output harvesting, in [0, 1]: elicitation of
    /// reasoning or grading, large budgets, used by many accounts.
    public var harvestScore: Double {
        let elicitation = max(rate(cot), rate(rubric), rate(rewrite))
        let budget = max(rate(maximalBudget), rate(reasoning))
        let spread = min(log10(Double(max(accounts.count, 1))) / 1.5, 1)
        return min(1, 0.45 * elicitation + 0.4 * budget + 0.15 * spread) * (elicitation + budget > 0.6 ? 1 : 0.5)
    }
}

/// Assigns each prompt to a template by near-duplicate signature, in bounded memory.
///
/// Band keys map to template ids in two generations: when the current map fills up, it becomes
/// the previous one and the oldest generation is dropped, so templates still in use survive and
/// one-off prompts age out. Statistics of small, idle templates are pruned the same way.
public struct TemplateRegistry: Sendable, Codable {
    /// Characters of a template's first prompt kept, redacted, as its example.
    static let exampleCharacters = 600

    private var current: [UInt64: Int32] = [:]
    private var previous: [UInt64: Int32] = [:]
    public private(set) var stats: [Int: TemplateStats] = [:]
    private var nextID = 1
    let bandCapacity: Int
    let statsCapacity: Int

    /// Bands two prompts must share to be one template (of `TemplateSignature.bandCount`).
    public static let minimumBandAgreement = 3

    public init(bandCapacity: Int = 3_000_000, statsCapacity: Int = 300_000) {
        self.bandCapacity = bandCapacity
        self.statsCapacity = statsCapacity
    }

    /// The template of a prompt; creates one when no earlier prompt is similar enough.
    public mutating func assign(_ signature: TemplateSignature) -> Int {
        let anchors = [signature.head, signature.tail].compactMap { $0 }
        var anchored: Int32?
        for key in anchors where anchored == nil { anchored = current[key] ?? previous[key] }
        let id = anchored.map(Int.init) ?? assignBySimilarity(signature)
        for key in anchors where current[key] == nil { current[key] = Int32(id) }
        if current.count > bandCapacity {
            previous = current
            current = [:]
        }
        return id
    }

    /// MinHash-band agreement, for prompts whose anchors are new (or that are too short to have any).
    private mutating func assignBySimilarity(_ signature: TemplateSignature) -> Int {
        var candidates: [(id: Int32, hits: Int)] = []
        for key in signature.bands {
            guard let id = current[key] ?? previous[key] else { continue }
            if let index = candidates.firstIndex(where: { $0.id == id }) { candidates[index].hits += 1 } else { candidates.append((id, 1)) }
        }
        let best = candidates.max { $0.hits != $1.hits ? $0.hits < $1.hits : $0.id > $1.id }
        let id: Int
        if let best, best.hits >= Self.minimumBandAgreement {
            id = Int(best.id)
        } else {
            id = nextID
            nextID += 1
        }
        for key in signature.bands where current[key] == nil {
            current[key] = Int32(id)
        }
        return id
    }

    /// The anchor and band keys that lead to the templates `ids`, for `TemplateMatcher`.
    public func keys(of ids: Set<Int>) -> [UInt64: Int32] {
        guard !ids.isEmpty else { return [:] }
        var keys: [UInt64: Int32] = [:]
        for (key, id) in previous where ids.contains(Int(id)) { keys[key] = id }
        for (key, id) in current where ids.contains(Int(id)) { keys[key] = id }
        return keys
    }

    /// Records one exchange of template `id`.
    public mutating func record(
        _ id: Int, features: ExchangeFeatures, account: UInt64, at time: Timestamp, prompt: @autoclosure () -> String
    ) {
        if stats[id] == nil {
            let text = prompt()
            stats[id] = TemplateStats(
                id: id, firstSeen: time, lastSeen: time, skeleton: PromptSkeleton.text(of: text),
                example: Redaction.redact(String(text.prefix(Self.exampleCharacters))),
                anchors: [features.signature.head, features.signature.tail].compactMap { $0 })
        }
        stats[id]!.record(features, account: account, at: time)
    }

    /// Drops statistics of small templates idle for a day when there are too many.
    public mutating func prune(now: Timestamp) {
        guard stats.count > statsCapacity else { return }
        let cutoff = now.adding(seconds: -86_400)
        stats = stats.filter { $0.value.exchanges > 3 || $0.value.lastSeen >= cutoff }
    }
}
