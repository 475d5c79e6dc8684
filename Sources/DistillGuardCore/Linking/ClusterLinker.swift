#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Links flagged accounts that act as one campaign into clusters ("hydras").
///
/// Two flagged accounts are joined when they share a payment fingerprint or a harvesting
/// template; shared /24 networks and creation bursts are counted as supporting links. Union-find
/// keeps this near-linear in the number of flagged accounts.
struct ClusterLinker {
    let profiles: [AccountProfile]
    let flagged: Set<Int>
    let templates: [Int: TemplateStats]

    static func clusterID(_ number: Int) -> String {
        let digits = String(number)
        return "cluster-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The harvesting templates an account uses as a harvest: templates whose own harvest score
    /// is at least 0.5, that carry at least 5% of the account's requests, and that the account
    /// itself sends eliciting reasoning or grading, or at maximal budgets, at least half the time.
    ///
    /// The last condition (`TemplateUse.isSentAsHarvest`) matters because a template can be a
    /// task rather than a wrapper: a customer who asks plainly the kind of problem campaigns put
    /// in their slots falls into their template. Sharing it says nothing about who runs the
    /// customer's account, and joining it to the campaign's cluster would make it one of the
    /// campaign's indicators.
    func harvestTemplates(_ index: Int) -> [Int] {
        profiles[index].templates.filter { entry in
            guard let stats = templates[entry.id] else { return false }
            return stats.harvestScore >= 0.5 && Double(entry.count) >= max(2, 0.05 * Double(profiles[index].exchanges))
                && entry.isSentAsHarvest
        }.map(\.id)
    }

    /// How much each shared artefact says that two accounts are run together. A link of total
    /// weight `threshold` or more joins two flagged accounts into one cluster: a payment
    /// fingerprint or a harvesting template alone suffices; weaker artefacts must add up.
    enum LinkWeight {
        static let payment = 3.0
        static let harvestTemplate = 3.0
        static let ipPrefix = 1.0
        static let creationBurst = 1.0
        static let emailDomain = 1.0
        static let synchronizedActivity = 1.5
        static let clientFingerprint = 0.5
        static let asn = 0.3
        static let threshold = 3.0
    }

    /// Groups larger than this are structural (a huge ISP block, one popular SDK): their pairs are
    /// not compared one by one.
    /// Longest cluster timeline (hours per exchange count): a year and a day.
    static let timelineHours = 366 * 24
    static let pairwiseGroupLimit = 200
    static let pairwiseBudget = 2_000_000

    /// Connected components over weighted links, largest first (ties by first member).
    func clusters() -> [[Int]] {
        var parent: [Int: Int] = [:]
        func find(_ x: Int) -> Int {
            var root = x
            while let p = parent[root], p != root { root = p }
            var node = x
            while let p = parent[node], p != root {
                parent[node] = root
                node = p
            }
            return root
        }
        func union(_ a: Int, _ b: Int) {
            let ra = find(a)
            let rb = find(b)
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }
        var byStrongKey: [String: Int] = [:]
        var byWeakKey: [String: [Int]] = [:]
        for index in flagged.sorted() {
            parent[index] = index
            var strong: [String] = []
            if let payment = profiles[index].account.paymentFingerprint { strong.append("pay:" + payment) }
            strong += harvestTemplates(index).map { "tpl:\($0)" }
            for key in strong {
                if let other = byStrongKey[key] { union(index, other) } else { byStrongKey[key] = index }
            }
            for key in weakKeys(index) { byWeakKey[key, default: []].append(index) }
        }
        var compared = Set<Int64>()
        var budget = Self.pairwiseBudget
        for members in byWeakKey.values where members.count >= 2 && members.count <= Self.pairwiseGroupLimit {
            for i in 0..<members.count {
                for j in (i + 1)..<members.count {
                    let a = members[i]
                    let b = members[j]
                    guard budget > 0, compared.insert(Int64(a) << 32 | Int64(b)).inserted, find(a) != find(b) else { continue }
                    budget -= 1
                    if weakLinkWeight(a, b) >= LinkWeight.threshold { union(a, b) }
                }
            }
        }
        var groups: [Int: [Int]] = [:]
        for index in flagged.sorted() { groups[find(index), default: []].append(index) }
        return groups.values.sorted { $0.count != $1.count ? $0.count > $1.count : $0[0] < $1[0] }
    }

    func weakKeys(_ index: Int) -> [String] {
        let p = profiles[index]
        var keys: [String] = []
        if let prefix = p.lastIPPrefix { keys.append("ip:" + prefix) }
        if let created = p.account.createdAt { keys.append("burst:\(created.milliseconds / 10_800_000)") }
        if let domain = p.account.emailDomain, !EmailDomains.isFreeMail(domain) { keys.append("mail:" + domain) }
        return keys
    }

    /// Weight of the weaker artefacts two accounts share, synchronized activity included.
    func weakLinkWeight(_ a: Int, _ b: Int) -> Double {
        let p = profiles[a]
        let q = profiles[b]
        var weight = 0.0
        if let x = p.lastIPPrefix, x == q.lastIPPrefix { weight += LinkWeight.ipPrefix }
        if let x = p.account.createdAt, let y = q.account.createdAt, abs(x.milliseconds - y.milliseconds) <= 10_800_000 {
            weight += LinkWeight.creationBurst
        }
        if let x = p.account.emailDomain, x == q.account.emailDomain, !EmailDomains.isFreeMail(x) { weight += LinkWeight.emailDomain }
        if let x = p.clientFingerprint, x == q.clientFingerprint { weight += LinkWeight.clientFingerprint }
        if let x = p.lastASN, x == q.lastASN { weight += LinkWeight.asn }
        if synchronized(a, b) { weight += LinkWeight.synchronizedActivity }
        return weight
    }

    /// Two accounts active in the same hours of the day: cosine similarity of their UTC hour
    /// histograms ≥ 0.9, neither spread around the clock, at least 10 exchanges each.
    func synchronized(_ a: Int, _ b: Int) -> Bool {
        let p = profiles[a]
        let q = profiles[b]
        guard p.exchanges >= 10, q.exchanges >= 10, p.hourEntropy < 4.2, q.hourEntropy < 4.2 else { return false }
        var dot = 0.0
        var pp = 0.0
        var qq = 0.0
        for hour in 0..<24 {
            let x = Double(p.hours[hour])
            let y = Double(q.hours[hour])
            dot += x * y
            pp += x * x
            qq += y * y
        }
        return pp > 0 && qq > 0 && dot / (pp.squareRoot() * qq.squareRoot()) >= 0.9
    }

    func verdict(
        id: String, members: [Int], verdicts: [Int: (kind: Verdict.Kind, score: Double)], firstFlags: [FirstFlags],
        hourly: [Int: [Int: Int]], logStart: Timestamp?, logEnd: Timestamp?, explainer: EvidenceWriter
    ) -> ClusterVerdict {
        let scores = members.compactMap { verdicts[$0]?.score }.sorted(by: >)
        let attacks = members.filter { verdicts[$0]?.kind == .attack }.count
        let kind: Verdict.Kind = attacks * 2 >= members.count ? .attack : .review
        let mean = scores.reduce(0, +) / Double(max(scores.count, 1))
        let score = min(1, mean + 0.02 * log2(Double(members.count)))
        var capabilityCounts = [Int](repeating: 0, count: Capability.allCases.count)
        var exchanges = 0
        for member in members {
            exchanges += profiles[member].exchanges
            for (i, c) in profiles[member].capabilities.enumerated() { capabilityCounts[i] += c }
        }
        let capabilities = capabilityCounts.enumerated().filter { $0.element > 0 }
            .sorted { $0.element > $1.element }
            .map { (name: Capability(rawValue: $0.offset)!.name, share: Double($0.element) / Double(max(exchanges, 1))) }
        var templateCounts: [Int: Int] = [:]
        for member in members { for t in harvestTemplates(member) { templateCounts[t, default: 0] += 1 } }
        // Ties by template, so that the same log gives the same verdicts in every run.
        let sharedTemplates = templateCounts.filter { $0.value >= 2 || members.count == 1 }
            .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let links = linkCounts(members)
        var timeline: [Int] = []
        if let start = logStart, let end = logEnd {
            // The log's last `timelineHours` at most: one stray timestamp decades away (a clock
            // reset to 1970) must not make every cluster carry millions of empty hours.
            let span = Int((end.milliseconds - start.milliseconds) / 3_600_000) + 1
            let hours = min(span, Self.timelineHours)
            let skipped = span - hours
            timeline = [Int](repeating: 0, count: hours)
            for member in members {
                for (hour, count) in hourly[member] ?? [:] where (skipped..<span).contains(hour) { timeline[hour - skipped] += count }
            }
        }
        let first = members.compactMap { firstFlags[$0][kind] ?? firstFlags[$0].review }.min()
        return ClusterVerdict(
            clusterID: id, verdict: kind, score: score, accounts: members.map { profiles[$0].accountID }.sorted(), exchanges: exchanges,
            capabilities: capabilities, templates: sharedTemplates.map { TemplateStats.label($0.key) }, links: links,
            evidence: explainer.clusterEvidence(members: members, links: links, templates: sharedTemplates.map { ($0.key, $0.value) }),
            hourly: timeline, firstFlaggedAt: first, lastSeen: members.map { profiles[$0].lastSeen }.max(),
            paymentFingerprints: Array(Set(members.compactMap { profiles[$0].account.paymentFingerprint })).sorted(),
            emailDomains: Array(Set(members.compactMap { profiles[$0].account.emailDomain })).sorted(),
            artefacts: Artefacts.union(members.map { profiles[$0].artefacts }))
    }

    /// How many members share each kind of artefact with at least one other member.
    func linkCounts(_ members: [Int]) -> [(name: String, count: Int)] {
        func shared(_ key: (Int) -> [String]) -> Int {
            var owners: [String: Int] = [:]
            for member in members { for k in Set(key(member)) { owners[k, default: 0] += 1 } }
            return members.filter { member in key(member).contains { (owners[$0] ?? 0) >= 2 } }.count
        }
        let payment = shared { profiles[$0].account.paymentFingerprint.map { [$0] } ?? [] }
        let template = shared { harvestTemplates($0).map(String.init) }
        let prefix = shared { profiles[$0].lastIPPrefix.map { [$0] } ?? [] }
        let domain = shared { profiles[$0].account.emailDomain.flatMap { EmailDomains.isFreeMail($0) ? nil : [$0] } ?? [] }
        let burst = shared { index in
            profiles[index].account.createdAt.map { ["\($0.milliseconds / 10_800_000)"] } ?? []
        }
        let client = shared { profiles[$0].clientFingerprint.map { [String($0)] } ?? [] }
        let asn = shared { profiles[$0].lastASN.map { [String($0)] } ?? [] }
        let sample = members.prefix(Self.pairwiseGroupLimit)
        let synchronized = sample.filter { a in sample.contains { b in a != b && self.synchronized(a, b) } }.count
        return [
            ("shared_payment_fingerprint", payment), ("shared_template", template), ("shared_ip_prefix", prefix),
            ("shared_email_domain", domain), ("creation_burst", burst), ("shared_client_fingerprint", client), ("shared_asn", asn),
            ("synchronized_activity", synchronized),
        ].filter { $0.1 > 0 }
    }
}
