/// Established customers are not acted on by their own score alone: an account whose score would
/// put it at `attack` is held at `review` for a person when everything about it that a campaign
/// finds expensive to fake says it is a long-standing customer.
///
/// Why: evaluation and benchmarking customers send the same harvest-shaped prompts as a
/// reasoning harvest (an MMLU-style template with "show your reasoning", again and again), and
/// held-out evaluation put some of them at `attack`. Such a customer has a contract, an account
/// manager and a verified identity; a ban by a score is the wrong first step. Under `review` the
/// default policy still degrades the account (no reasoning, at most 4,096 output tokens), and the
/// cap changes only the account's own verdict: its cluster, the templates it sends and the
/// throttles on them keep their verdicts, so a campaign that buys such accounts still loses what
/// it came for and stays in front of an analyst.
///
/// An account is established when all of these hold:
/// - it is verified;
/// - it was at least `minimumAgeDays` old when it was first seen;
/// - its tier is one of `tiers`;
/// - its mail domain is its own (not a free mail provider);
/// - its payment fingerprint is not shared with any other account in the log;
/// - no partner indicator names it.
///
/// Turn it off with `"established_accounts": null` in a model file (docs/detection.md).
public struct EstablishedAccounts: Sendable, Equatable {
    public var minimumAgeDays: Int
    public var tiers: Set<String>

    public static let `default` = EstablishedAccounts(minimumAgeDays: 180, tiers: ["enterprise", "research"])

    public init(minimumAgeDays: Int, tiers: Set<String>) {
        self.minimumAgeDays = minimumAgeDays
        self.tiers = tiers
    }

    /// Why the account counts as established (a sentence for its evidence), or nil when it does not.
    func reason(_ profile: AccountProfile, signals: AccountSignals, paymentAccounts: [String: Int]) -> String? {
        let account = profile.account
        guard account.verified == true, let created = account.createdAt, let tier = account.tier, tiers.contains(tier),
            let domain = account.emailDomain, !EmailDomains.isFreeMail(domain),
            let payment = account.paymentFingerprint, paymentAccounts[payment, default: 0] <= 1,
            signals["partner_indicator"] < 1
        else { return nil }
        let days = (profile.firstSeen.milliseconds - created.milliseconds) / 86_400_000
        guard days >= minimumAgeDays else { return nil }
        return
            "held at review, not attack: an established customer (verified, \(days) days old when first seen, \(tier) tier, its own mail domain \(domain), a payment method no other account uses). Its score alone would act on it; an analyst decides. Its cluster and templates keep their verdicts"
    }
}

extension EstablishedAccounts {
    public var json: JSONValue {
        ["minimum_age_days": .int(Int64(minimumAgeDays)), "tiers": .array(tiers.sorted().map { .string($0) })]
    }

    /// Reads the `established_accounts` member of a model file: absent means the default, `null`
    /// turns the cap off.
    static func read(_ json: JSONValue?, fail: (String) -> ModelFileError) throws -> EstablishedAccounts? {
        guard let json else { return .default }
        if json.isNull { return nil }
        guard let days = json["minimum_age_days"]?.intValue, days >= 0 else {
            throw fail("`established_accounts.minimum_age_days` must be a whole number of days ≥ 0")
        }
        guard let list = json["tiers"]?.arrayValue, !list.isEmpty, list.allSatisfy({ $0.stringValue?.isEmpty == false }) else {
            throw fail("`established_accounts.tiers` must be a non-empty array of tier names, e.g. [\"enterprise\"]")
        }
        return EstablishedAccounts(minimumAgeDays: Int(days), tiers: Set(list.compactMap(\.stringValue)))
    }
}
