#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which regions the provider does not serve, from the policy's `compliance` section.
public struct ComplianceSettings: Sendable, Equatable {
    public var restrictedRegions: Set<String>

    public init(restrictedRegions: Set<String>) {
        self.restrictedRegions = restrictedRegions
    }
}

/// How sure an assessment is that an account operates from a restricted region.
public enum ComplianceConfidence: String, Sendable, Comparable, CaseIterable {
    case low, medium, high

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One reason behind an assessment, in a family of independent evidence.
public struct ComplianceSignal: Sendable, Equatable {
    /// Families: `network` (where the IPs are and what they are), `payment` (the payment method's
    /// country, which the card network vouches for), `identity` (declared and e-mail countries, which
    /// the customer asserts), `activity` (time zone of the daily rhythm), `language`, `links`.
    public var family: String
    public var name: String
    public var weight: Double
    /// A sentence an analyst can check.
    public var detail: String
}

/// The regional-compliance assessment of an account or a cluster.
public struct ComplianceAssessment: Sendable {
    public var subject: String
    /// The restricted region the evidence points to.
    public var region: String
    public var confidence: ComplianceConfidence
    public var score: Double
    public var signals: [ComplianceSignal]

    /// What should happen: `review` (a person looks) from medium confidence, else `monitor`.
    /// Never a block by default: the gateway policy decides with the `compliance` condition.
    public var disposition: String { confidence >= .medium ? "review" : "monitor" }

    public var json: JSONValue {
        [
            "region": .string(region), "confidence": .string(confidence.rawValue), "score": .double((score * 1000).rounded() / 1000),
            "disposition": .string(disposition),
            "signals": .array(
                signals.map { ["family": .string($0.family), "name": .string($0.name), "detail": .string($0.detail)] }),
        ]
    }
}

/// Weighs the signals of regional compliance. No single signal is evidence: an assessment needs a
/// signal specific to a restricted region other than language, and reaches `medium` only with two
/// independent families of evidence. Prompt language and anonymizing networks only support.
public struct ComplianceAssessor: Sendable {
    public let settings: ComplianceSettings

    public init(settings: ComplianceSettings) {
        self.settings = settings
    }

    /// Minimum exchanges before the daily rhythm is read as a time zone.
    static let minimumRhythmExchanges = 30

    /// The account's assessment for its most supported restricted region, or nil when nothing points to one.
    /// - Parameter linked: for each region, the share of the account's cluster assessed at `medium` or above.
    public func assess(_ profile: AccountProfile, linked: [String: Double] = [:]) -> ComplianceAssessment? {
        let rhythm = Self.timeZone(profile.hours)
        var best: ComplianceAssessment?
        for region in settings.restrictedRegions.sorted() {
            guard let assessment = assess(profile, region: region, rhythm: rhythm, linked: linked[region] ?? 0) else { continue }
            if best == nil || assessment.score > best!.score { best = assessment }
        }
        return best
    }

    func assess(_ profile: AccountProfile, region: String, rhythm: Double?, linked: Double) -> ComplianceAssessment? {
        let traits = profile.region
        var signals: [ComplianceSignal] = []
        let direct = traits.share(ipCountry: region)
        if direct >= 0.2 {
            signals.append(
                .init(
                    family: "network", name: "ip_in_restricted_region", weight: 0.5,
                    detail: "\(Self.percent(direct)) of requests come from IP addresses in \(region)"))
        }
        var identity: [ComplianceSignal] = []
        let declared = profile.account.declaredCountry
        if declared == region {
            identity.append(.init(family: "identity", name: "declared_country", weight: 0.35, detail: "the declared country is \(region)"))
        }
        if let payment = profile.account.paymentCountry, payment == region {
            let mismatch = declared.map { $0 != region ? " while the declared country is \($0)" : "" } ?? ""
            identity.append(
                .init(
                    family: "payment", name: "payment_country", weight: 0.35,
                    detail: "the payment method is from \(region)\(mismatch)"))
        }
        if let domain = profile.account.emailDomain, RegionData.emailCountry(domain) == region {
            let mismatch = declared.map { $0 != region ? " while the declared country is \($0)" : "" } ?? ""
            identity.append(
                .init(
                    family: "identity", name: "email_domain_country", weight: 0.25,
                    detail: "the e-mail domain \(domain) points to \(region)\(mismatch)"))
        }
        signals += identity
        if let rhythm, let regionOffset = RegionData.utcOffset(region), Self.distance(rhythm, regionOffset) <= 1.5 {
            let ipCountry = traits.mainIPCountry
            let ipOffset = ipCountry.flatMap(RegionData.utcOffset)
            if ipCountry != region, let ipOffset, Self.distance(rhythm, ipOffset) >= 3 {
                signals.append(
                    .init(
                        family: "activity", name: "time_zone_mismatch", weight: 0.3,
                        detail:
                            "the daily rhythm fits UTC\(Self.offsetText(rhythm)) (\(region)), not UTC\(Self.offsetText(ipOffset)) of the IP addresses' country \(ipCountry!)"
                    ))
            }
        }
        if linked >= 0.5 {
            signals.append(
                .init(
                    family: "links", name: "linked_accounts", weight: 0.25,
                    detail: "\(Self.percent(linked)) of the accounts linked to it are assessed as operating from \(region)"))
        }
        // Specific evidence other than language is required before anything else counts.
        guard !signals.isEmpty else { return nil }
        let languages = RegionData.languages(region)
        signals += Self.supporting(
            anonymizing: traits.anonymizingShare, language: traits.share(languages: languages), languages: languages,
            languageThreshold: 0.3, whose: "")
        let score = Self.score(signals)
        // Anonymizing networks and prompt language only support: they never make a family of their own.
        let supporting: Set<String> = ["anonymizing_network", "prompt_language"]
        let families = Set(signals.filter { !supporting.contains($0.name) }.map(\.family)).count
        let supports = signals.filter { supporting.contains($0.name) }.count
        let confidence: ComplianceConfidence
        if families >= 3 || (families == 2 && supports == 2 && score >= 0.9) {
            confidence = .high
        } else if families >= 2 && score >= 0.5 {
            confidence = .medium
        } else {
            confidence = .low
        }
        return ComplianceAssessment(subject: profile.accountID, region: region, confidence: confidence, score: score, signals: signals)
    }

    /// The cluster's assessments, most confident first: from its members' assessments (the share at
    /// `medium` or above for the most common region), and, for each region, from the traces its
    /// members leave together (`pooled`). A cluster that joins campaigns run from different
    /// regions has one for each.
    public func assess(cluster id: String, members: [AccountProfile], assessments: [ComplianceAssessment?]) -> [ComplianceAssessment] {
        var all = settings.restrictedRegions.sorted().compactMap { pooled(cluster: id, members: members, region: $0) }
        if let shared = assess(cluster: id, members: assessments) {
            if let index = all.firstIndex(where: { $0.region == shared.region }) {
                if (shared.confidence, shared.score) > (all[index].confidence, all[index].score) { all[index] = shared }
            } else {
                all.append(shared)
            }
        }
        return all.sorted { ($0.confidence, $0.score, $1.region) > ($1.confidence, $1.score, $0.region) }
    }

    /// The cluster's assessment from its members': the share at `medium` or above for the most common region.
    public func assess(cluster id: String, members: [ComplianceAssessment?]) -> ComplianceAssessment? {
        let supported = members.compactMap { $0 }.filter { $0.confidence >= .medium }
        guard !members.isEmpty, let region = Dictionary(grouping: supported, by: \.region).max(by: { $0.value.count < $1.value.count })?.key
        else { return nil }
        let count = supported.filter { $0.region == region }.count
        let share = Double(count) / Double(members.count)
        let confidence: ComplianceConfidence = share >= 0.5 && count >= 3 ? .high : (share >= 0.25 ? .medium : .low)
        return ComplianceAssessment(
            subject: id, region: region, confidence: confidence, score: share,
            signals: [
                .init(
                    family: "links", name: "member_assessments", weight: share,
                    detail:
                        "\(count) of \(members.count) linked accounts are assessed at medium or high confidence as operating from \(region)"
                )
            ])
    }

    // MARK: Pooled evidence

    /// How often accounts *not* operated from a region show each trace of it, at most: the null
    /// hypothesis a cluster's count is tested against. Set high on purpose, for the people with real
    /// ties to a region who are not in it (emigrants who visit home and keep their home mail, a
    /// research group abroad, travellers), so that only a count far beyond them is evidence.
    public enum BaseRate {
        /// Share of accounts seen at least once from a network in the region during the window.
        public static let homeNetwork = 0.05
        /// Share of accounts whose IP addresses are far from a region's time zone whose requests
        /// nevertheless fit a day there better than one where the IP addresses are (`fitsClock`):
        /// people who work at night, shift workers, a few requests that happen to fall that way.
        public static let foreignClock = 0.05
        /// Share of accounts whose declared country, payment country or mail domain is the region's
        /// (among all accounts of a large provider, the home mail providers of a large region alone
        /// reach several percent).
        public static let identity = 0.25
    }

    /// A count is evidence when chance alone, at the base rate, would give it at most this often.
    public static let pooledSignificance = 1e-3

    /// Smallest cluster whose traces are pooled.
    public static let minimumPooledMembers = 5

    /// A cluster's assessment from the traces its members leave together, for one region: each
    /// member's trace is thin (a few requests from home during a proxy outage, a home mail domain on
    /// some accounts, too few requests for a daily rhythm), but a cluster acts as one operator.
    ///
    /// - `activity`: more of the members whose IP addresses are ≥ 3 h from the region's time zone
    ///   work on its clock (`fitsClock`) than `BaseRate.foreignClock` would give. People with ties
    ///   to a region who live elsewhere (the look-alikes) keep their own clock; this is what they lack.
    /// - `network`: more members were seen from the region's networks than `BaseRate.homeNetwork`
    ///   would give (binomial tail ≤ `pooledSignificance`), or ≥ 20% of the pooled requests were.
    /// - `identity`: more members declare, pay or mail from the region than `BaseRate.identity` would give.
    ///
    /// `medium` takes `activity` and one more family, or direct access (≥ 20%) with identity;
    /// `high` takes all three. Ties, visits and language without the clock stay `low`.
    ///
    /// Only the members whose own requests fit the region's clock at least as well as any other
    /// (`fitsClock`) are pooled: a cluster may join campaigns run from different places, and a
    /// member on another clock is not evidence for this one.
    public func pooled(cluster id: String, members all: [AccountProfile], region: String) -> ComplianceAssessment? {
        let members = all.filter { fitsClock($0, of: region) }
        let n = members.count
        guard n >= Self.minimumPooledMembers else { return nil }
        // The clock is read from the members whose IP addresses are far from the region's time zone.
        var hours = [Int](repeating: 0, count: 24)
        var clockMembers = 0
        var clockCountries: [String: Int] = [:]
        var exchanges = 0
        var fromRegion = 0
        var seenFromRegion = 0
        var identity = 0
        var anonymizing = 0.0
        var inLanguage = 0.0
        let languages = RegionData.languages(region)
        for profile in members {
            let traits = profile.region
            if Self.isFarFrom(profile, region: region) {
                clockMembers += 1
                for hour in 0..<24 { hours[hour] += profile.hours[hour] }
                for (country, count) in traits.ipCountries { clockCountries[country, default: 0] += count }
            }
            exchanges += traits.exchanges
            let direct = traits.ipCountries[region] ?? 0
            fromRegion += direct
            if direct > 0 { seenFromRegion += 1 }
            anonymizing += traits.anonymizingShare * Double(traits.exchanges)
            inLanguage += traits.share(languages: languages) * Double(traits.exchanges)
            let account = profile.account
            if account.declaredCountry == region || account.paymentCountry == region
                || account.emailDomain.map({ RegionData.emailCountry($0) == region }) == true
            {
                identity += 1
            }
        }
        guard exchanges > 0 else { return nil }
        var signals: [ComplianceSignal] = []
        var families: Set<String> = []
        let directShare = Double(fromRegion) / Double(exchanges)
        let networkChance = Self.binomialTail(seenFromRegion, of: n, rate: BaseRate.homeNetwork)
        if directShare >= 0.2 || (seenFromRegion >= 3 && networkChance <= Self.pooledSignificance) {
            families.insert("network")
            signals.append(
                .init(
                    family: "network", name: "members_seen_from_region", weight: 0.5,
                    detail:
                        "\(seenFromRegion) of \(n) accounts sent requests from IP addresses in \(region) (\(fromRegion) of \(exchanges) requests, \(Self.percent(directShare))); at most \(Self.percent(BaseRate.homeNetwork)) of accounts not run from there are, and \(seenFromRegion) of \(n) would happen by chance with probability \(Self.probabilityText(networkChance))"
                ))
        }
        let identityChance = Self.binomialTail(identity, of: n, rate: BaseRate.identity)
        if identity >= 3 && identityChance <= Self.pooledSignificance {
            families.insert("identity")
            signals.append(
                .init(
                    family: "identity", name: "members_identity_in_region", weight: 0.35,
                    detail:
                        "\(identity) of \(n) accounts declare, pay or receive mail in \(region); at most \(Self.percent(BaseRate.identity)) of accounts not run from there do, and \(identity) of \(n) would happen by chance with probability \(Self.probabilityText(identityChance))"
                ))
        }
        let mainIPCountry = clockCountries.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key
        let farMembers = all.count { Self.isFarFrom($0, region: region) }
        let clockChance = Self.binomialTail(clockMembers, of: farMembers, rate: BaseRate.foreignClock)
        // Each clock member's own requests fit the region's working day better than any clock ≥ 3 h
        // away (`fitsClock`); the count is the evidence, tested against chance. Their requests
        // together are not required to make one clean day: a cluster may mix campaigns, and a few
        // members misread on a dozen requests each would blur it.
        if clockMembers >= 3, clockChance <= Self.pooledSignificance, let mainIPCountry, mainIPCountry != region,
            let ipOffset = RegionData.utcOffset(mainIPCountry)
        {
            families.insert("activity")
            let together = Self.bestOffset(hours).map { " (together their requests fit a day in UTC\(Self.offsetText($0)) best)" } ?? ""
            signals.append(
                .init(
                    family: "activity", name: "members_clock_in_region", weight: 0.3,
                    detail:
                        "\(clockMembers) of the \(farMembers) accounts whose IP addresses are ≥ 3 h from \(region)'s time zone (mostly \(mainIPCountry), UTC\(Self.offsetText(ipOffset))) work on \(region)'s clock: their requests fit a working day there better than one where their IP addresses are\(together); at most \(Self.percent(BaseRate.foreignClock)) of such accounts do, and \(clockMembers) of \(farMembers) would happen by chance with probability \(Self.probabilityText(clockChance))"
                ))
        }
        guard !families.isEmpty else { return nil }
        signals += Self.supporting(
            anonymizing: anonymizing / Double(exchanges), language: inLanguage / Double(exchanges), languages: languages,
            languageThreshold: 0.1, whose: "the accounts' ")
        let confidence: ComplianceConfidence
        if families.count == 3 {
            confidence = .high
        } else if families.contains("activity") && families.count == 2 {
            confidence = .medium
        } else if families == ["network", "identity"] && directShare >= 0.2 {
            confidence = .medium
        } else {
            confidence = .low
        }
        return ComplianceAssessment(subject: id, region: region, confidence: confidence, score: Self.score(signals), signals: signals)
    }

    /// A member's assessment given one of its cluster's: the cluster's confidence with the
    /// cluster's evidence named, when the member's own traffic agrees: its requests fit the
    /// region's clock (`fitsClock`), and it shows a trace of the region of its own (`hasTrace`: a
    /// request from the region's networks, an identity there, or prompts in its language; not
    /// language where its IP addresses are within 3 h of the region's time zone, where the clock
    /// cannot tell). Its own assessment stays when it is as confident, or points to another region.
    public func inherit(_ own: ComplianceAssessment?, profile: AccountProfile, cluster: ComplianceAssessment) -> ComplianceAssessment? {
        guard cluster.confidence >= .medium else { return own }
        if let own, own.confidence >= cluster.confidence || (own.region != cluster.region && own.confidence >= .medium) { return own }
        guard fitsClock(profile, of: cluster.region) else { return own }
        // Where the clock cannot tell (IP addresses within 3 h of the region's time zone), language
        // is not enough: the member needs a request from the region's networks or an identity there.
        let far = Self.isFarFrom(profile, region: cluster.region)
        guard Self.hasTrace(profile, of: cluster.region, counting: far ? [.network, .identity, .language] : [.network, .identity])
        else { return own }
        let evidence = cluster.signals.filter { $0.family != "language" }.map(\.name).joined(separator: ", ")
        var signals = own?.region == cluster.region ? own!.signals : []
        signals.append(
            .init(
                family: "links", name: "cluster_assessment", weight: cluster.score,
                detail:
                    "it belongs to \(cluster.subject), which is assessed at \(cluster.confidence.rawValue) confidence as operating from \(cluster.region) (\(evidence)); nothing in its own traffic points elsewhere"
            ))
        return ComplianceAssessment(
            subject: profile.accountID, region: cluster.region, confidence: cluster.confidence, score: max(own?.score ?? 0, cluster.score),
            signals: signals)
    }

    /// Whether an account's requests fit a human day in `region`'s time zone clearly better
    /// (`clockMargin`) than in that of the country its IP addresses are in, or of any other
    /// restricted region ≥ 3 h away (a log-likelihood over its hours, which a handful of requests
    /// already tilts). Time zones within 3 h of the region's cannot be told from it, and do not
    /// count against it; traffic around the clock fits no clock.
    func fitsClock(_ profile: AccountProfile, of region: String) -> Bool {
        guard let theirs = RegionData.utcOffset(region) else { return false }
        let fit = Self.dayFit(profile.hours, offset: theirs)
        var rivals = settings.restrictedRegions.filter { $0 != region }.compactMap(RegionData.utcOffset)
        if let country = profile.region.mainIPCountry, country != region, let own = RegionData.utcOffset(country) { rivals.append(own) }
        return !rivals.contains { Self.distance($0, theirs) >= 3 && Self.dayFit(profile.hours, offset: $0) + Self.clockMargin > fit }
    }

    /// How much better (log-likelihood, nats) the region's clock must fit an account's requests.
    static let clockMargin = 0.5

    /// Whether the account's IP addresses are mostly in a country whose time zone is ≥ 3 h from
    /// `region`'s: only then does its clock say anything about where its people are.
    static func isFarFrom(_ profile: AccountProfile, region: String) -> Bool {
        guard let country = profile.region.mainIPCountry, let own = RegionData.utcOffset(country),
            let theirs = RegionData.utcOffset(region)
        else { return false }
        return distance(own, theirs) >= 3
    }

    /// The traces of a region an account can show of its own.
    enum Trace { case network, identity, language }

    /// Whether an account shows a trace of a region of its own, of the kinds counted: a request
    /// from its networks, a declared, payment or mail country there, ≥ 10% of its prompts in the
    /// region's language.
    static func hasTrace(_ profile: AccountProfile, of region: String, counting kinds: Set<Trace>) -> Bool {
        let account = profile.account
        if kinds.contains(.network), profile.region.share(ipCountry: region) > 0 { return true }
        if kinds.contains(.identity),
            account.declaredCountry == region || account.paymentCountry == region
                || account.emailDomain.map({ RegionData.emailCountry($0) == region }) == true
        {
            return true
        }
        return kinds.contains(.language) && profile.region.share(languages: RegionData.languages(region)) >= 0.1
    }

    /// The UTC offset (half hours from −11 to +14) under which a histogram fits a human day best:
    /// the middle of the offsets that fit within 0.1% of the best (a short working day fits a
    /// few neighbouring offsets alike).
    static func bestOffset(_ hours: [Int]) -> Double? {
        guard hours.contains(where: { $0 > 0 }) else { return nil }
        let offsets = Array(stride(from: -11.0, through: 14.0, by: 0.5))
        let fits = offsets.map { dayFit(hours, offset: $0) }
        let best = fits.max()!
        let tied = offsets.indices.filter { fits[$0] >= best - abs(best) * 0.001 }.map { offsets[$0] }
        return (tied.first! + tied.last!) / 2
    }

    /// Log-likelihood of an hourly histogram (UTC hours) under a human day at a UTC offset.
    static func dayFit(_ hours: [Int], offset: Double) -> Double {
        var total = 0.0
        for (hour, count) in hours.enumerated() where count > 0 { total += Double(count) * dayLikelihood(Double(hour) + offset) }
        return total
    }

    /// Log of the relative activity of a human day at a local hour (quiet from 01:00 to 06:00).
    static func dayLikelihood(_ localHour: Double) -> Double {
        let hour = ((Int(localHour.rounded()) % 24) + 24) % 24
        return humanDay[hour]
    }

    static let humanDay: [Double] = {
        let weights: [Double] = [0.4, 0.15, 0.08, 0.05, 0.05, 0.08, 0.2, 0.5, 0.8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.9, 0.8, 0.6]
        let total = weights.reduce(0, +)
        return weights.map { log($0 / total) }
    }()

    /// The sum of the signals' weights, each family capped at 0.5, at most 1.
    static func score(_ signals: [ComplianceSignal]) -> Double {
        var byFamily: [String: Double] = [:]
        for signal in signals { byFamily[signal.family] = min(0.5, (byFamily[signal.family] ?? 0) + signal.weight) }
        return min(1, byFamily.values.reduce(0, +))
    }

    /// The supporting signals, which never make an assessment or a family of their own: requests
    /// over anonymizing networks (from half of them) and prompts in the region's language (from
    /// `languageThreshold`). `whose` starts the subject of the sentences ("the accounts' ").
    static func supporting(
        anonymizing: Double, language: Double, languages: Set<String>, languageThreshold: Double, whose: String
    ) -> [ComplianceSignal] {
        var signals: [ComplianceSignal] = []
        if anonymizing >= 0.5 {
            signals.append(
                .init(
                    family: "network", name: "anonymizing_network", weight: 0.15,
                    detail: "\(percent(anonymizing)) of \(whose)requests arrive over hosting, VPN or proxy networks"))
        }
        if language >= languageThreshold {
            signals.append(
                .init(
                    family: "language", name: "prompt_language", weight: 0.1,
                    detail:
                        "\(percent(language)) of \(whose)prompts are written in \(languages.sorted().joined(separator: "/")) (supporting only)"
                ))
        }
        return signals
    }

    /// P(X ≥ k) for X ~ Binomial(n, p), in log space (exact for the cluster sizes seen here).
    static func binomialTail(_ k: Int, of n: Int, rate p: Double) -> Double {
        guard k > 0 else { return 1 }
        guard k <= n else { return 0 }
        let logP = log(p)
        let logQ = log1p(-p)
        var terms: [Double] = []
        for i in k...n {
            terms.append(
                lgamma(Double(n + 1)) - lgamma(Double(i + 1)) - lgamma(Double(n - i + 1)) + Double(i) * logP + Double(n - i) * logQ)
        }
        let peak = terms.max()!
        return min(1, exp(peak) * terms.reduce(0) { $0 + exp($1 - peak) })
    }

    /// A probability as an analyst reads it: two decimals, or a power of ten for small ones (`3.2e-7`).
    static func probabilityText(_ p: Double) -> String {
        if p >= 0.01 { return "\((p * 100).rounded() / 100)" }
        if p < 1e-300 { return "< 1e-300" }
        let exponent = Int(floor(log10(p)))
        let mantissa = (p / pow(10, Double(exponent)) * 10).rounded() / 10
        return "\(mantissa)e\(exponent)"
    }

    /// The UTC offset (hours) whose local day best explains an hourly histogram (UTC hours), or nil
    /// when the rhythm is not a human day (too few exchanges, or activity around the clock).
    static func timeZone(_ hours: [Int]) -> Double? {
        let total = hours.reduce(0, +)
        guard total >= minimumRhythmExchanges else { return nil }
        var best: (offset: Int, night: Int)?
        for offset in -11...14 {
            // Local 01:00–06:59 is the night; a human day has little traffic then.
            let night = (1...6).reduce(0) { $0 + hours[((($1 - offset) % 24) + 24) % 24] }
            if best == nil || night < best!.night { best = (offset, night) }
        }
        guard let best, Double(best.night) <= 0.04 * Double(total) else { return nil }
        // The quietest six hours must stand out: around-the-clock traffic has no night.
        let average = Double(total) / 4
        guard Double(best.night) < 0.2 * average else { return nil }
        // The day's centre of activity (circular mean of the hours) sits near 15:00 local in a human day.
        var x = 0.0
        var y = 0.0
        for (hour, count) in hours.enumerated() {
            let angle = Double(hour) / 24 * 2 * Double.pi
            x += Double(count) * cos(angle)
            y += Double(count) * sin(angle)
        }
        let meanHour = (atan2(y, x) / (2 * Double.pi) * 24 + 24).truncatingRemainder(dividingBy: 24)
        var offset = Self.localActivityCentre - meanHour
        while offset > 14 { offset -= 24 }
        while offset <= -12 { offset += 24 }
        return offset
    }

    /// Local hour at the centre of a human day's activity.
    static let localActivityCentre = 15.0

    static func distance(_ a: Double, _ b: Double) -> Double {
        let d = abs(a - b).truncatingRemainder(dividingBy: 24)
        return min(d, 24 - d)
    }

    static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }

    static func offsetText(_ offset: Double) -> String {
        let sign = offset < 0 ? "−" : "+"
        let magnitude = (abs(offset) * 2).rounded() / 2
        return magnitude == magnitude.rounded() ? "\(sign)\(Int(magnitude))" : "\(sign)\(magnitude)"
    }
}
