#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Accounts too small to judge alone, judged together with the accounts they are tied to.
///
/// An account with fewer exchanges than the model's minimum is never flagged on its own signals
/// (three requests make noisy rates). A campaign that knows this spreads its harvest over
/// throwaway accounts of two to four requests each, created in waves. So small accounts are
/// grouped into cohorts by their **creation wave** (accounts created in the same `waveHours`
/// window) and the **capability** most of their requests target.
///
/// A cohort's signals are its members' signals averaged, weighted by exchanges (the profile of
/// its average member, measured on many more requests than any one of them sent), except its
/// daily rhythm and the regularity of its gaps, which are measured on the pooled counts. With at
/// least `minimumMembers` members and `minimumExchanges` exchanges, the cohort is scored by the
/// same model, thresholds and corroboration rule as an account. When that verdict is `attack`,
/// the members that look like it on their own few requests (their own score at least the review
/// threshold, and a harvest-specific signal of their own) get it, with the cohort named in their
/// evidence; a customer who merely signed up the same morning and asked about the same subject
/// does not. A cohort at `review` flags no one: a sign-up wave of small, heavy users is not
/// something to queue per account.
///
/// Accounts a little larger than the minimum (fewer than `fewRequests`) are judged alone, on rates
/// measured over a handful of requests. A campaign whose throwaways send five or six requests
/// would otherwise leave them at `review` beside a cohort at `attack` made of their siblings with
/// four. Such an account is not pooled (the cohort stays the profile of its small members), but
/// when it looks like a harvesting account on its own (the same test as a member's) and the cohort
/// of its creation wave and capability is at attack, it takes that verdict too ("near" members).
///
/// One or two requests rarely carry a harvest-specific signal of their own (a proxy pool shows only
/// over several requests), and falling into a harvesting template is not one: a customer who asks
/// the kind of problem a campaign sweeps, in their own words, lands in the campaign's template. What
/// ties a throwaway to its cohort is its wording: the same opening or closing words (a head or tail
/// anchor of `TemplateSignature`) as many of the cohort's members (`cohortWording`), or words that
/// are mostly used by small accounts of waves with a cohort at attack, however few of this cohort
/// share them (`DetectionEngine.campaignWording`: a sweep spread over many wordings). Worded so,
/// and asking for reasoning, it takes the cohort's verdict (`DetectionEngine.tieToCohort`); a
/// customer who signed up the same morning writes in their own words.
struct Cohorts {
    static let minimumMembers = 5
    static let minimumExchanges = 20
    static let waveHours: Int64 = 6
    /// Accounts with fewer exchanges than this (and at least the model's minimum) may take the
    /// verdict of the cohort they were created with.
    static let fewRequests = 20
    /// Words are the cohort's when at least this share of its members (and at least
    /// `minimumMembers`) use them.
    static let wordingShare = 0.2

    /// Created in the window starting `wave` hours after the epoch, mostly targeting `capability`.
    struct Key: Hashable, Sendable {
        var wave: Int64
        var capability: Int
    }

    /// What one member adds to its cohort: its signals weighted by its exchanges, and the raw
    /// counts of the signals that need many requests to mean anything (when it is active, and how
    /// regular its gaps are), pooled as counts rather than averaged.
    struct Contribution {
        var weighted: [Double]
        var exchanges: Int
        var hours = [Int](repeating: 0, count: 24)
        var gapCount = 0
        var gapSum = 0.0
        var gapSquares = 0.0
        /// The member's wording anchors (`AccountProfile.wordingAnchors`).
        var anchors: [UInt64] = []

        init(signals: AccountSignals, exchanges: Int) {
            weighted = signals.values.map { $0 * Double(exchanges) }
            self.exchanges = exchanges
        }

        init(signals: AccountSignals, profile: AccountProfile) {
            self.init(signals: signals, exchanges: profile.exchanges)
            hours = profile.hours
            gapCount = profile.gapCount
            gapSum = profile.gapMean * Double(profile.gapCount)
            gapSquares = profile.gapSquares
            anchors = profile.wordingAnchors ?? []
        }

        static func zero(_ dimension: Int) -> Contribution {
            Contribution(signals: AccountSignals(values: [Double](repeating: 0, count: dimension)), exchanges: 0)
        }

        mutating func add(_ other: Contribution, sign: Double) {
            for i in weighted.indices { weighted[i] += sign * other.weighted[i] }
            exchanges += Int(sign) * other.exchanges
            for i in hours.indices { hours[i] += Int(sign) * other.hours[i] }
            gapCount += Int(sign) * other.gapCount
            gapSum += sign * other.gapSum
            gapSquares += sign * other.gapSquares
        }
    }

    struct Pool {
        var total: Contribution
        var members: Set<Int> = []
        /// Members by the wording anchors they use.
        var anchorMembers: [UInt64: Int] = [:]
    }

    private(set) var pools: [Key: Pool] = [:]
    private var memberships: [Int: (key: Key, contribution: Contribution)] = [:]
    /// Accounts judged alone on fewer than `fewRequests` exchanges that look like harvesting on
    /// their own, by the cohort they were created with (not pooled: see the type's documentation).
    private(set) var near: [Key: Set<Int>] = [:]
    private var nearKeys: [Int: Key] = [:]
    /// Every cohort key that has held an account, by wave (`accounts(createdWith:)`).
    private var keysByWave: [Int64: Set<Key>] = [:]

    /// The cohort a small account belongs to (none without a creation time).
    static func key(for profile: AccountProfile) -> Key? {
        guard let created = profile.account.createdAt else { return nil }
        let window = waveHours * 3_600_000
        let bucket = created.milliseconds >= 0 ? created.milliseconds / window : (created.milliseconds - window + 1) / window
        return Key(wave: bucket * waveHours, capability: profile.dominantCapability.capability.rawValue)
    }

    /// Places (or moves) account `index` with its current contribution; `key` nil takes it out (it
    /// has grown large enough to be judged alone, or nothing ties it to others). Returns the
    /// cohorts whose make-up changed.
    @discardableResult
    mutating func update(_ index: Int, key: Key?, _ contribution: Contribution) -> [Key] {
        var touched: [Key] = []
        if let old = memberships.removeValue(forKey: index) {
            touched.append(old.key)
            var pool = pools[old.key]!
            pool.total.add(old.contribution, sign: -1)
            pool.members.remove(index)
            for anchor in old.contribution.anchors {
                pool.anchorMembers[anchor, default: 0] -= 1
                if pool.anchorMembers[anchor] == 0 { pool.anchorMembers[anchor] = nil }
            }
            pools[old.key] = pool.members.isEmpty ? nil : pool
        }
        guard let key else { return touched }
        keysByWave[key.wave, default: []].insert(key)
        var pool = pools[key] ?? Pool(total: .zero(contribution.weighted.count))
        pool.total.add(contribution, sign: 1)
        pool.members.insert(index)
        for anchor in contribution.anchors { pool.anchorMembers[anchor, default: 0] += 1 }
        pools[key] = pool
        memberships[index] = (key, contribution)
        if touched.first != key { touched.append(key) }
        return touched
    }

    /// The cohort's average member, when it is large enough to judge: signals averaged by
    /// exchanges, except the daily rhythm and the regularity of gaps, measured on the pooled
    /// counts (three requests say nothing about a daily rhythm; three hundred accounts' do).
    func signals(of key: Key) -> (signals: AccountSignals, exchanges: Int, members: Set<Int>)? {
        guard let pool = pools[key], pool.members.count >= Self.minimumMembers, pool.total.exchanges >= Self.minimumExchanges else {
            return nil
        }
        let total = pool.total
        var values = total.weighted.map { $0 / Double(total.exchanges) }
        let requests = Double(total.hours.reduce(0, +))
        if requests > 0, let flatness = AccountSignals.names.firstIndex(of: "hour_flatness") {
            let entropy = total.hours.reduce(0.0) { sum, count in
                count > 0 ? sum - Double(count) / requests * log2(Double(count) / requests) : sum
            }
            values[flatness] = min(max(entropy / log2(24), 0), 1)
        }
        if total.gapCount > 1, let regularity = AccountSignals.names.firstIndex(of: "timing_regularity") {
            let mean = total.gapSum / Double(total.gapCount)
            let variance = max(total.gapSquares - Double(total.gapCount) * mean * mean, 0) / Double(total.gapCount - 1)
            values[regularity] = min(max(1 - variance.squareRoot() / 3, 0), 1)
        }
        return (AccountSignals(values: values), total.exchanges, pool.members)
    }

    func key(of index: Int) -> Key? { memberships[index]?.key }

    /// How many of cohort `key`'s members word their requests as `anchors` do (the most shared of
    /// them), when that makes the wording the cohort's (at least `minimumMembers` and
    /// `wordingShare` of them).
    func cohortWording(_ anchors: [UInt64], of key: Key) -> (members: Int, of: Int)? {
        guard let pool = pools[key], let count = anchors.compactMap({ pool.anchorMembers[$0] }).max() else { return nil }
        let needed = max(Self.minimumMembers, Int((Self.wordingShare * Double(pool.members.count)).rounded(.up)))
        return count >= needed ? (count, pool.members.count) : nil
    }

    /// The members of every cohort created in `waves` (whatever their capability), by the wording
    /// anchors they use.
    func anchorMembers(inWaves waves: Set<Int64>) -> [UInt64: Int] {
        var result: [UInt64: Int] = [:]
        for wave in waves {
            for key in keysByWave[wave] ?? [] {
                for (anchor, count) in pools[key]?.anchorMembers ?? [:] { result[anchor, default: 0] += count }
            }
        }
        return result
    }

    /// The small and near accounts created in `key`'s wave, in a fixed order: its own first, then
    /// those in the cohorts of other capabilities (a throwaway's one problem may read as another
    /// capability than its siblings'; its wording can still tie it to them).
    func accounts(createdWith key: Key) -> [(index: Int, sameCapability: Bool)] {
        let others = (keysByWave[key.wave] ?? []).filter { $0 != key }.sorted { $0.capability < $1.capability }
        return ([key] + others).flatMap { other in
            (pools[other]?.members ?? []).union(near[other] ?? []).sorted().map { ($0, other == key) }
        }
    }

    /// Places (or moves, or with nil removes) account `index` among the near members of `key`.
    /// Returns the cohort to check when it was added.
    mutating func updateNear(_ index: Int, key: Key?) -> Key? {
        if let old = nearKeys[index] {
            if old == key { return nil }
            near[old]?.remove(index)
            if near[old]?.isEmpty == true { near[old] = nil }
            nearKeys[index] = nil
        }
        guard let key else { return nil }
        keysByWave[key.wave, default: []].insert(key)
        near[key, default: []].insert(index)
        nearKeys[index] = key
        return key
    }
}

/// What a member of a flagged cohort is told about it, for its verdict's evidence.
struct CohortVerdict {
    var key: Cohorts.Key
    var members: Int
    var exchanges: Int
    var score: Double
    var signals: AccountSignals
    /// Accounts with fewer exchanges are the cohort's members; larger ones are near it.
    var memberExchanges: Int
    /// How many of the cohort's members word their requests as this account does, when that
    /// (rather than a harvest-specific signal of its own) is what ties it to the cohort.
    var sharedWording: Int? = nil
    /// When a campaign's wording ties it instead (`DetectionEngine.campaignWording`): how many small
    /// accounts of waves with a cohort at attack use the words, and how many accounts in all.
    var campaignWording: (waveAccounts: Int, users: Int)? = nil
}
