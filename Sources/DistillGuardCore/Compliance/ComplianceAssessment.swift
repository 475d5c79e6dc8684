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
        let anonymizing = traits.anonymizingShare
        if anonymizing >= 0.5 {
            signals.append(
                .init(
                    family: "network", name: "anonymizing_network", weight: 0.15,
                    detail: "\(Self.percent(anonymizing)) of requests arrive over hosting, VPN or proxy networks"))
        }
        let languages = RegionData.languages(region)
        let languageShare = traits.share(languages: languages)
        if languageShare >= 0.3 {
            signals.append(
                .init(
                    family: "language", name: "prompt_language", weight: 0.1,
                    detail:
                        "\(Self.percent(languageShare)) of prompts are written in \(languages.sorted().joined(separator: "/")) (supporting only)"
                ))
        }
        var byFamily: [String: Double] = [:]
        for signal in signals { byFamily[signal.family] = min(0.5, (byFamily[signal.family] ?? 0) + signal.weight) }
        let score = min(1, byFamily.values.reduce(0, +))
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
