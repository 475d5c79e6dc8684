/// What is known about one account, updated one exchange at a time in bounded memory.
///
/// Counts and sketches only: no list grows with the number of exchanges.
public struct AccountProfile: Sendable, Codable {
    public let accountID: String
    public private(set) var exchanges = 0
    public private(set) var firstSeen: Timestamp
    public private(set) var lastSeen: Timestamp
    public private(set) var inputTokens = 0
    public private(set) var outputTokens = 0
    public private(set) var cot = 0
    public private(set) var rubric = 0
    public private(set) var rewrite = 0
    public private(set) var reasoning = 0
    /// Requests that turn on extended thinking at any budget, or high effort (`ExchangeFeatures.thinkingRequested`);
    /// nil in a profile restored from a checkpoint written before it was counted.
    public private(set) var thinking: Int? = 0
    public private(set) var maximalBudget = 0
    public private(set) var multipleSamples = 0
    public private(set) var repeatedPrompts = 0
    /// Exchanges per capability.
    public private(set) var capabilities = [Int](repeating: 0, count: Capability.allCases.count)
    /// Exchanges per UTC hour of day.
    public private(set) var hours = [Int](repeating: 0, count: 24)
    /// Where the account's traffic comes from, over which networks, in which languages (regional compliance).
    public private(set) var region = RegionTraits()
    /// Gaps between consecutive exchanges: count, mean and variance of log-seconds (Welford).
    public private(set) var gapCount = 0
    public private(set) var gapMean = 0.0
    private var gapM2 = 0.0
    /// The busiest templates of the account (space-saving, `templateSlots` entries: any template
    /// above 1/32 of the account's traffic is guaranteed a slot), with how the
    /// account itself uses each: elicitation (CoT, rubric, rewrite) and maximal budgets.
    public private(set) var templates: [TemplateUse] = []

    public struct TemplateUse: Sendable, Codable {
        public var id: Int
        /// Space-saving estimate: requests since the slot was taken plus `inherited`.
        public var count: Int
        /// The count inherited from the template this one displaced (the estimate's error bound).
        public var inherited = 0
        public var elicitation = 0
        public var maximalBudget = 0

        /// Requests of this template counted since it took its slot.
        public var own: Int { count - inherited }

        /// The account's own use of this template is a harvesting stream: nearly always eliciting
        /// reasoning or grading, mostly with maximal budgets.
        public var isHarvesting: Bool {
            own >= 6 && Double(elicitation) >= 0.7 * Double(own) && Double(maximalBudget) >= 0.5 * Double(own)
        }

        /// The account itself sends this template as a harvest: eliciting reasoning or grading,
        /// or at maximal budgets, at least half the time. A template can be a task rather than a
        /// wrapper: campaigns put a kind of problem in their slots, and a customer who asks that
        /// kind of problem plainly falls into the same template without harvesting anything.
        public var isSentAsHarvest: Bool {
            Double(max(elicitation, maximalBudget)) >= 0.5 * Double(max(own, 1))
        }
    }
    public static let templateSlots = 32
    public private(set) var ipPrefixes = DistinctCounter()
    public private(set) var endUsers = DistinctCounter()
    /// End users who only ever send stand-alone requests for long reasoning (nil until the
    /// account sends an end-user id, and in profiles restored from older checkpoints).
    public private(set) var endUserStream: EndUserStream?
    public private(set) var cloudExchanges = 0
    /// Exchanges on a model first seen after the log began, and how soon after its first sighting.
    public private(set) var newModelExchanges = 0
    public private(set) var newModelLagHours: Double?
    private var recentPrompts: [UInt64] = []
    /// Whether the account builds on the answers it receives (nil in profiles restored from a
    /// checkpoint written before it was measured: counted from then on).
    public private(set) var continuity: AnswerContinuity? = AnswerContinuity()
    public private(set) var account: AccountInfo
    public private(set) var organizationID: String?
    public private(set) var lastIPPrefix: String?
    public private(set) var lastASN: Int?
    public private(set) var lastUserAgent: String?
    /// The client software the account uses: user agent with TLS and HTTP fingerprints (last seen).
    public private(set) var clientFingerprint: UInt64?
    /// Partner indicators the account matched: the first few, for evidence, and counts.
    public private(set) var intelMatches: [IntelIndicator] = []
    /// The distinct head and tail anchors (`TemplateSignature`) of the account's first prompts, at
    /// most `wordingAnchorLimit`: how a small account words its requests, which is what ties a
    /// throwaway to its cohort (`Cohorts.cohortWording`). Nil until a prompt long enough to have
    /// anchors, once the account has `Cohorts.fewRequests` exchanges (it is judged alone), and in
    /// checkpoints written before it.
    public private(set) var wordingAnchors: [UInt64]?
    public static let wordingAnchorLimit = 8

    /// Exchanges matching a partner's pseudonym (payment, e-mail domain, account), template, or only infrastructure.
    public private(set) var intelPseudonymExchanges = 0
    public private(set) var intelTemplateExchanges = 0
    public private(set) var intelInfrastructureExchanges = 0

    /// Samples of the infrastructure the account used, for shared indicators (bounded).
    public private(set) var artefacts = Artefacts()

    /// Exchanges per model (the busiest `modelSlots`).
    public private(set) var models: [ModelCount] = []

    public struct ModelCount: Sendable, Codable {
        public var name: String
        public var count: Int
    }
    public static let modelSlots = 8

    public init(accountID: String, at time: Timestamp) {
        self.accountID = accountID
        firstSeen = time
        lastSeen = time
        account = AccountInfo()
    }

    /// Whether the exchange re-sends an answer this account received earlier.
    func continues(_ features: ExchangeFeatures) -> Bool { continuity?.continues(features) ?? false }

    /// - Parameter trackRegion: accumulate `region` (only when regional compliance is on: it costs a scan of the prompt).
    mutating func add(
        _ event: Event, _ features: ExchangeFeatures, template: Int, isCloud: Bool, newModelLag: Double?, trackRegion: Bool = false
    ) {
        if exchanges > 0 {
            let gap = max(Double(event.timestamp.milliseconds - lastSeen.milliseconds) / 1000, 0.5)
            gapCount += 1
            let x = log(gap)
            let delta = x - gapMean
            gapMean += delta / Double(gapCount)
            gapM2 += delta * (x - gapMean)
        }
        exchanges += 1
        lastSeen = max(lastSeen, event.timestamp)
        inputTokens += features.inputTokens
        outputTokens += features.outputTokens
        if features.cotElicitation { cot += 1 }
        if features.rubricGrading { rubric += 1 }
        if features.sensitiveRewrite { rewrite += 1 }
        if features.reasoningRequested { reasoning += 1 }
        if features.thinkingRequested, thinking != nil { thinking! += 1 }
        if features.maximalBudget { maximalBudget += 1 }
        if features.multipleSamples { multipleSamples += 1 }
        capabilities[features.capability.rawValue] += 1
        // Floor division: an event before 1970 has a negative time, and its hour is still 0–23.
        hours[Int(event.timestamp.milliseconds.floorDivided(by: 3_600_000).quotient.floorDivided(by: 24).remainder)] += 1
        if trackRegion { region.add(event) }
        countTemplate(
            template, elicitation: features.cotElicitation || features.rubricGrading || features.sensitiveRewrite,
            maximal: features.maximalBudget)
        if exchanges >= Cohorts.fewRequests {
            wordingAnchors = nil  // judged alone from here on: its wording ties it to no cohort
        } else {
            for anchor in [features.signature.head, features.signature.tail].compactMap({ $0 }) {
                if wordingAnchors == nil { wordingAnchors = [] }
                if wordingAnchors!.count < Self.wordingAnchorLimit, !wordingAnchors!.contains(anchor) { wordingAnchors!.append(anchor) }
            }
        }
        if continuity == nil { continuity = AnswerContinuity() }
        continuity!.add(features)
        if recentPrompts.contains(features.promptHash) { repeatedPrompts += 1 }
        recentPrompts.append(features.promptHash)
        if recentPrompts.count > 32 { recentPrompts.removeFirst() }
        if let prefix = Self.prefix24(event.client.ip) {
            ipPrefixes.insert(StableHash.hash(prefix))
            lastIPPrefix = prefix
        }
        if let endUser = event.endUserID {
            let hash = StableHash.hash(endUser)
            endUsers.insert(hash)
            // Mutated in place: a copy taken out of the optional would copy its tables on every event.
            if endUserStream == nil { endUserStream = EndUserStream() }
            endUserStream!.add(endUser: hash, shaped: features.longReasoning && features.resentAnswers.isEmpty)
        }
        if isCloud { cloudExchanges += 1 }
        if let lag = newModelLag {
            newModelExchanges += 1
            newModelLagHours = min(newModelLagHours ?? lag, lag)
        }
        lastASN = event.client.asn ?? lastASN
        artefacts.add(prefix: lastIPPrefix, asn: event.client.asn, client: event.client)
        if let client = artefacts.lastClient, clientFingerprint == nil || artefacts.lastClientChanged {
            let fingerprint = Artefacts.fingerprint(client)
            clientFingerprint = fingerprint
        }
        if let model = event.exchange.model { countModel(model) }
        lastUserAgent = event.client.userAgent ?? lastUserAgent
        merge(event.account)
        organizationID = event.organizationID ?? organizationID
    }

    private mutating func merge(_ info: AccountInfo) {
        account.createdAt = info.createdAt ?? account.createdAt
        account.tier = info.tier ?? account.tier
        account.paymentFingerprint = info.paymentFingerprint ?? account.paymentFingerprint
        account.emailDomain = info.emailDomain ?? account.emailDomain
        account.verified = info.verified ?? account.verified
        account.declaredCountry = info.declaredCountry ?? account.declaredCountry
        account.paymentCountry = info.paymentCountry ?? account.paymentCountry
    }

    private mutating func countTemplate(_ id: Int, elicitation: Bool, maximal: Bool) {
        let index: Int
        if let known = templates.firstIndex(where: { $0.id == id }) {
            index = known
            templates[index].count += 1
        } else if templates.count < Self.templateSlots {
            templates.append(TemplateUse(id: id, count: 1))
            index = templates.count - 1
        } else {
            // Space-saving: the new template takes over the smallest slot and inherits its count.
            index = templates.indices.min { templates[$0].count < templates[$1].count }!
            templates[index] = TemplateUse(id: id, count: templates[index].count + 1, inherited: templates[index].count)
        }
        if elicitation { templates[index].elicitation += 1 }
        if maximal { templates[index].maximalBudget += 1 }
    }

    mutating func addIntel(_ matches: [IntelIndicator]) {
        guard !matches.isEmpty else { return }
        if matches.contains(where: { $0.kind.isAccountSide && $0.kind != .templateAnchor }) {
            intelPseudonymExchanges += 1
        } else if matches.contains(where: { $0.kind == .templateAnchor }) {
            intelTemplateExchanges += 1
        } else {
            intelInfrastructureExchanges += 1
        }
        for match in matches
        where intelMatches.count < 8 && !intelMatches.contains(where: { $0.objectID == match.objectID && $0.kind == match.kind }) {
            intelMatches.append(match)
        }
    }

    private mutating func countModel(_ name: String) {
        if let index = models.firstIndex(where: { $0.name == name }) {
            models[index].count += 1
        } else if models.count < Self.modelSlots {
            models.append(ModelCount(name: name, count: 1))
        } else if let smallest = models.indices.min(by: { models[$0].count < models[$1].count }) {
            models[smallest] = ModelCount(name: name, count: models[smallest].count + 1)
        }
    }

    /// Requests in templates the account uses as a harvesting stream.
    public var harvestingStream: Int { templates.filter(\.isHarvesting).reduce(0) { $0 + $1.own } }

    /// Requests from end users who only ever asked for long reasoning on stand-alone prompts,
    /// when there are at least `EndUserStream.minimumUsers` of them (0 otherwise).
    public var endUserStreamRequests: Int {
        guard let stream = endUserStream, stream.streamUsers >= EndUserStream.minimumUsers else { return 0 }
        return stream.streamRequests
    }

    /// Standard deviation of log inter-arrival gaps: low means machine-regular timing.
    public var gapDeviation: Double { gapCount > 1 ? (gapM2 / Double(gapCount - 1)).squareRoot() : 0 }

    /// The sum of squared log-gaps, so that gap statistics of several accounts can be pooled.
    public var gapSquares: Double { gapM2 + Double(gapCount) * gapMean * gapMean }

    /// The account's top template and the share of its exchanges on it.
    public var topTemplate: (id: Int, share: Double)? {
        guard let top = templates.max(by: { $0.count < $1.count }), exchanges > 0 else { return nil }
        return (top.id, Double(top.count) / Double(exchanges))
    }

    public var dominantCapability: (capability: Capability, share: Double) {
        let index = capabilities.indices.max { capabilities[$0] < capabilities[$1] } ?? 0
        return (Capability(rawValue: index)!, exchanges > 0 ? Double(capabilities[index]) / Double(exchanges) : 0)
    }

    /// Shannon entropy (bits) of the UTC hour histogram: 4.58 is perfectly flat.
    public var hourEntropy: Double {
        let total = Double(hours.reduce(0, +))
        guard total > 0 else { return 0 }
        return hours.reduce(0.0) { sum, count in
            guard count > 0 else { return sum }
            let p = Double(count) / total
            return sum - p * log2(p)
        }
    }

    /// The /24 network of an IPv4 address (`a.b.c.0/24`), or the /48 of an IPv6 address.
    static func prefix24(_ ip: String?) -> String? {
        guard var ip else { return nil }
        return ip.withUTF8 { bytes -> String? in
            var dots = 0
            var thirdDot = 0
            for (index, byte) in bytes.enumerated() {
                if byte == UInt8(ascii: ":") { return nil }
                if byte == UInt8(ascii: ".") {
                    dots += 1
                    if dots == 3 { thirdDot = index }
                }
            }
            guard dots == 3 else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[..<thirdDot]), as: UTF8.self) + ".0/24"
        } ?? (ip.contains(":") ? ip.split(separator: ":").prefix(3).joined(separator: ":") + "::/48" : nil)
    }

    func rate(_ count: Int) -> Double { exchanges > 0 ? Double(count) / Double(exchanges) : 0 }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Infrastructure an account (or a cluster) used, as raw values, for indicators shared with
/// partners. Each list keeps the first values seen, up to its limit.
public struct Artefacts: Sendable, Equatable, Codable {
    public var ipPrefixes: [String] = []
    public var asns: [Int] = []
    public var clients: [ClientSoftware] = []
    /// The client software of the latest exchange, and whether it differs from the one before.
    public var lastClient: ClientSoftware?
    public var lastClientChanged = false

    /// A stable hash of client software (user agent, TLS and HTTP fingerprints).
    public static func fingerprint(_ c: ClientSoftware) -> UInt64 {
        StableHash.hash((c.userAgent ?? "") + "|" + (c.tlsFingerprint ?? "") + "|" + (c.httpFingerprint ?? ""))
    }

    public struct ClientSoftware: Sendable, Hashable, Codable {
        public var userAgent: String?
        public var tlsFingerprint: String?
        public var httpFingerprint: String?
    }

    public static let prefixLimit = 16
    public static let asnLimit = 8
    public static let clientLimit = 4

    public init() {}

    /// Values this account used for the first time in its latest exchange (within the limits).
    public var newPrefix: String?
    public var newASN: Int?
    public var newClient: ClientSoftware?

    mutating func add(prefix: String?, asn: Int?, client: ClientInfo) {
        newPrefix = nil
        newASN = nil
        newClient = nil
        // A /24 of a cloud provider is shared by countless unrelated customers (evaluation
        // harnesses, agents on dev boxes): shared with partners, it would flag them. Its ASN and
        // the client software still describe the campaign.
        let sharedHosting = asn.map(DetectionEngine.cloudASNs.contains) ?? false
        if let prefix, !sharedHosting, ipPrefixes.count < Self.prefixLimit, !ipPrefixes.contains(prefix) {
            ipPrefixes.append(prefix)
            newPrefix = prefix
        }
        if let asn, asns.count < Self.asnLimit, !asns.contains(asn) {
            asns.append(asn)
            newASN = asn
        }
        if client.userAgent != nil || client.tlsFingerprint != nil, clients.count < Self.clientLimit {
            let software = ClientSoftware(
                userAgent: client.userAgent, tlsFingerprint: client.tlsFingerprint, httpFingerprint: client.httpFingerprint)
            if !clients.contains(software) { clients.append(software) }
        }
    }

    /// The union of several accounts' artefacts, each list capped at `limit`.
    public static func union(_ all: [Artefacts], limit: Int = 256) -> Artefacts {
        var result = Artefacts()
        var prefixes = Set<String>()
        var asns = Set<Int>()
        var clients = Set<ClientSoftware>()
        for a in all {
            for p in a.ipPrefixes where result.ipPrefixes.count < limit && prefixes.insert(p).inserted { result.ipPrefixes.append(p) }
            for n in a.asns where result.asns.count < limit && asns.insert(n).inserted { result.asns.append(n) }
            for c in a.clients where result.clients.count < limit && clients.insert(c).inserted { result.clients.append(c) }
        }
        return result
    }

    public var json: JSONValue {
        [
            "ip_prefixes": .array(ipPrefixes.map { .string($0) }),
            "asns": .array(asns.map { .int(Int64($0)) }),
            "clients": .array(
                clients.map { c in
                    var o = JSONObject()
                    if let ua = c.userAgent { o["user_agent"] = .string(ua) }
                    if let tls = c.tlsFingerprint { o["tls_fingerprint"] = .string(tls) }
                    if let http = c.httpFingerprint { o["http_fingerprint"] = .string(http) }
                    return .object(o)
                }),
        ]
    }
}

/// Which requests of an account re-send an answer the same account received earlier: a
/// conversation or tool loop that builds on the model's output, which a harvest of independent
/// prompts never does and cannot fake without the real answers.
public struct AnswerContinuity: Sendable, Codable, Equatable {
    /// Fingerprints of the account's most recent answers (a ring of `capacity`).
    private var recent: [UInt64] = []
    private var next = 0
    /// Requests that re-sent one of the account's own earlier answers.
    public private(set) var continued = 0
    /// Requests that built on no earlier answer (one-shot prompts, first turns) and asked for
    /// reasoning, or for a maximal budget. Agents and chats that ask for reasoning on every turn
    /// of a conversation are heavy users, not harvesters: only one-shot requests count as harvesting.
    public private(set) var oneShotReasoning = 0
    public private(set) var oneShotMaximalBudget = 0

    /// Answers remembered per account: an agent session or a long chat re-sends its latest ones.
    static let capacity = 64

    public init() {}

    func continues(_ features: ExchangeFeatures) -> Bool { features.resentAnswers.contains(where: recent.contains) }

    mutating func add(_ features: ExchangeFeatures) {
        if continues(features) {
            continued += 1
        } else {
            if features.reasoningRequested { oneShotReasoning += 1 }
            if features.maximalBudget { oneShotMaximalBudget += 1 }
        }
        guard let answer = features.answer else { return }
        if recent.count < Self.capacity {
            recent.append(answer)
        } else {
            recent[next] = answer
            next = (next + 1) % Self.capacity
        }
    }
}
