/// Two simple detectors to compare DistillGuard against, run on the same events.
///
/// - `rate`: flags an account whose busiest day exceeds a request or output-token threshold, the
///   classic per-account rate limit.
/// - `cot-keywords`: flags an account when most of its requests contain English chain-of-thought
///   phrases.
public struct Baselines: Sendable {
    public static let requestsPerDay = 200
    public static let outputTokensPerDay = 1_000_000
    public static let cotShare = 0.5
    static let cotPhrases = PhraseMatcher([("step by step", 0), ("chain of thought", 0), ("show your reasoning", 0), ("show your work", 0)])

    struct AccountTally {
        var day = Int64.min
        var dayRequests = 0
        var dayTokens = 0
        var exchanges = 0
        var cot = 0
        var rateFlag: Timestamp?
        var cotFlag: Timestamp?
    }

    private var tallies: [String: AccountTally] = [:]

    public init() {}

    public mutating func add(_ event: Event) {
        var t = tallies[event.accountID] ?? AccountTally()
        let day = event.timestamp.milliseconds / 86_400_000
        if day != t.day {
            t.day = day
            t.dayRequests = 0
            t.dayTokens = 0
        }
        t.dayRequests += 1
        t.dayTokens += event.usage.outputTokens ?? 0
        t.exchanges += 1
        if Self.cotPhrases.tags(in: event.exchange.lastUserText) != 0 { t.cot += 1 }
        if t.rateFlag == nil, t.dayRequests > Self.requestsPerDay || t.dayTokens > Self.outputTokensPerDay { t.rateFlag = event.timestamp }
        if t.cotFlag == nil, t.exchanges >= 5, Double(t.cot) / Double(t.exchanges) > Self.cotShare { t.cotFlag = event.timestamp }
        tallies[event.accountID] = t
    }

    public var rate: FlagSet {
        FlagSet(
            name: "baseline: rate thresholds (>\(Self.requestsPerDay) requests or >\(Self.outputTokensPerDay) output tokens per day)",
            flags: tallies.compactMapValues { $0.rateFlag.map { (Verdict.Kind.attack, $0) } })
    }

    public var cotKeywords: FlagSet {
        FlagSet(
            name: "baseline: CoT keywords (>\(Int(Self.cotShare * 100))% of requests)",
            flags: tallies.compactMapValues { t in
                t.exchanges >= 5 && Double(t.cot) / Double(t.exchanges) > Self.cotShare ? (Verdict.Kind.attack, t.cotFlag) : nil
            })
    }
}
