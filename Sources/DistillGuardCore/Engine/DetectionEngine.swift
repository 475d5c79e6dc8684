/// The detection engine: one instance replays a log (`analyze`) or follows live traffic, with
/// the same code, so a verdict's `first_flagged_at` means the same in both.
///
/// Feed it events in time order with their features (`ingest`); every `checkpointSeconds` of
/// event time it re-scores the accounts that were active, and records when each first crossed into
/// `review` or `attack`. `finish()` scores everyone, links accounts into clusters and explains
/// every verdict.
public struct DetectionEngine: Sendable {
    public var model: ScoringModel
    public let checkpointSeconds: Double
    private(set) var profiles: [AccountProfile] = []
    var accountIndex: [String: Int] = [:]
    private(set) var templates = TemplateRegistry()
    var capabilityCounts = [Int](repeating: 0, count: Capability.allCases.count)
    var paymentAccounts: [String: Int] = [:]
    var modelFirstSeen: [String: Timestamp] = [:]
    /// When each account first crossed into review and into attack, by account index.
    var firstFlags: [FirstFlags] = []
    var active: Set<Int> = []
    /// Accounts too small to judge alone, pooled by what ties them together (rebuilt by `finish()`;
    /// not part of a snapshot: after a restore it fills again as accounts are active).
    var cohorts = Cohorts()
    var nextCheckpoint: Timestamp?
    public private(set) var logStart: Timestamp?
    public private(set) var logEnd: Timestamp?
    public private(set) var events = 0
    public private(set) var outOfOrder = 0
    /// Checkpoints taken since this engine was made or restored: at most one per event, however
    /// far apart events are.
    public private(set) var checkpoints = 0
    /// Exchanges per account per hour, kept only for flagged accounts' timelines (bounded by hours × flagged accounts).
    var hourly: [Int: [Int: Int]] = [:]

    /// Accounts that used each network, ASN, client and e-mail domain (keyed by `ArtefactKey`), so
    /// that only artefacts (nearly) exclusive to flagged accounts are offered as indicators.
    var artefactUse: [UInt64: DistinctCounter] = [:]
    var anchorFirstUser: [UInt64: UInt64] = [:]

    /// Partner indicators to match traffic against (`distillguard intel import`).
    public var intel: IntelMatcher?
    /// Restricted regions to assess every account and cluster against (nil: regional compliance off).
    public var compliance: ComplianceSettings?
    private var pseudonyms: [Int: [(IntelIndicator.Kind, String)]] = [:]

    public init(model: ScoringModel = .default, checkpointSeconds: Double = 1800, intel: IntelMatcher? = nil) {
        self.model = model
        self.checkpointSeconds = checkpointSeconds
        self.intel = intel
    }

    public static let cloudASNs: Set<Int> = [
        16509, 14618, 15169, 396982, 8075, 14061, 24940, 16276, 45102, 132203, 63949, 20473, 31898, 13335,
    ]

    /// Takes over the state of a snapshot (`DetectionEngine+Snapshot`).
    mutating func restore(_ snapshot: Snapshot) {
        profiles = snapshot.profiles
        accountIndex = Dictionary(uniqueKeysWithValues: profiles.enumerated().map { ($1.accountID, $0) })
        templates = snapshot.templates
        capabilityCounts = snapshot.capabilityCounts
        paymentAccounts = snapshot.paymentAccounts
        modelFirstSeen = snapshot.modelFirstSeen
        firstFlags = snapshot.firstFlags
        active = Set(snapshot.active)
        nextCheckpoint = snapshot.nextCheckpoint
        logStart = snapshot.logStart
        logEnd = snapshot.logEnd
        events = snapshot.events
        outOfOrder = snapshot.outOfOrder
        hourly = snapshot.hourly
        artefactUse = snapshot.artefactUse
        anchorFirstUser = snapshot.anchorFirstUser
    }

    /// Adds one exchange. Events should arrive in time order; late ones are still counted.
    public mutating func ingest(_ event: Event, _ features: ExchangeFeatures) {
        let time = event.timestamp
        if let end = logEnd, time.milliseconds < end.milliseconds - 3_600_000 { outOfOrder += 1 }
        if logStart == nil {
            logStart = time
            nextCheckpoint = time.adding(seconds: checkpointSeconds)
        }
        if let next = nextCheckpoint, time >= next {
            // One checkpoint however many periods have passed: after it no account is active, so
            // the periods in between would check nobody. (Stepping through them one by one, an
            // event dated thousands of years ahead held the analysis thread for minutes; found by
            // the event fuzz target.)
            checkpoint()
            let periods = ((Double(time.milliseconds - next.milliseconds) / 1000) / checkpointSeconds).rounded(.down) + 1
            nextCheckpoint = next.adding(seconds: periods * checkpointSeconds)
        }
        logEnd = max(logEnd ?? time, time)
        events += 1

        let index: Int
        if let known = accountIndex[event.accountID] {
            index = known
        } else {
            index = profiles.count
            accountIndex[event.accountID] = index
            profiles.append(AccountProfile(accountID: event.accountID, at: time))
            firstFlags.append(FirstFlags())
            if let domain = event.account.emailDomain {
                artefactUse[ArtefactKey.emailDomain(domain), default: DistinctCounter()].insert(StableHash.hash(event.accountID))
            }
            if let payment = event.account.paymentFingerprint { paymentAccounts[payment, default: 0] += 1 }
        }
        let accountHash = StableHash.hash(event.accountID)
        let template = templates.assign(features.signature)
        // A request that builds on an answer the account received ("continue", a tool result) is
        // a turn of a conversation, not a prompt of a template: it does not make its template a
        // harvesting one, however many agents send it with large budgets.
        if !profiles[index].continues(features) {
            templates.record(template, features: features, account: accountHash, at: time, prompt: event.exchange.lastUserText)
        }
        capabilityCounts[features.capability.rawValue] += 1
        var newModelLag: Double?
        if let model = event.exchange.model {
            let firstSeen = modelFirstSeen[model] ?? time
            if modelFirstSeen[model] == nil { modelFirstSeen[model] = time }
            if let start = logStart, firstSeen.milliseconds - start.milliseconds > 86_400_000 {
                newModelLag = Double(time.milliseconds - firstSeen.milliseconds) / 3_600_000
            }
        }
        let isCloud = event.client.asn.map(Self.cloudASNs.contains) ?? false
        profiles[index].add(
            event, features, template: template, isCloud: isCloud, newModelLag: newModelLag, trackRegion: compliance != nil)
        recordArtefactUse(index, account: accountHash)
        if let head = features.signature.head { recordAnchorUse(head, account: accountHash) }
        if let tail = features.signature.tail { recordAnchorUse(tail, account: accountHash) }
        if let intel, !intel.isEmpty {
            if pseudonyms[index] == nil { pseudonyms[index] = intel.pseudonyms(for: event) }
            profiles[index].addIntel(intel.matches(event, features, pseudonyms: pseudonyms[index]!))
        }
        if firstFlags[index].review != nil, let start = logStart {
            // Live ingest can deliver an event older than the first one seen: it counts in hour 0.
            hourly[index, default: [:]][max(Int((time.milliseconds - start.milliseconds) / 3_600_000), 0), default: 0] += 1
        }
        active.insert(index)
    }

    /// What signals are measured against, built from the three fields it needs (not from a copy
    /// of the whole engine).
    var context: AccountSignals.Context {
        Self.context(capabilityCounts: capabilityCounts, templates: templates.stats, paymentAccounts: paymentAccounts)
    }

    static func context(capabilityCounts: [Int], templates: [Int: TemplateStats], paymentAccounts: [String: Int]) -> AccountSignals.Context
    {
        let total = Double(max(capabilityCounts.reduce(0, +), 1))
        return AccountSignals.Context(
            capabilityShare: capabilityCounts.map { Double($0) / total }, templates: templates, paymentAccounts: paymentAccounts)
    }

    /// Most prompt anchors are seen once: their one user is kept inline, and a counter is made only
    /// when a second account sends the same anchor.
    private mutating func recordAnchorUse(_ anchor: UInt64, account: UInt64) {
        let key = ArtefactKey.anchor(anchor)
        if artefactUse[key] != nil {
            artefactUse[key]!.insert(account)
        } else if let first = anchorFirstUser[key] {
            guard first != account else { return }
            var users = DistinctCounter()
            users.insert(first)
            users.insert(account)
            artefactUse[key] = users
            anchorFirstUser[key] = nil
        } else {
            anchorFirstUser[key] = account
        }
    }

    /// Records the infrastructure an account used for the first time (its `Artefacts` samples), so
    /// usage is counted once per account and value, not per exchange.
    private mutating func recordArtefactUse(_ index: Int, account: UInt64) {
        if let prefix = profiles[index].artefacts.newPrefix {
            artefactUse[ArtefactKey.ipPrefix(prefix), default: DistinctCounter()].insert(account)
        }
        if let asn = profiles[index].artefacts.newASN { artefactUse[ArtefactKey.asn(asn), default: DistinctCounter()].insert(account) }
        if let client = profiles[index].artefacts.newClient {
            artefactUse[ArtefactKey.client(client), default: DistinctCounter()].insert(account)
        }
    }

    /// The part of some flagged accounts' artefacts that only flagged accounts used (`exclusive`).
    func exclusive(_ artefacts: Artefacts, domains: [String], flaggedUse: FlaggedUse) -> (artefacts: Artefacts, domains: [String]) {
        func keep(_ key: UInt64) -> Bool { exclusive(key, flaggedUse: flaggedUse) }
        var result = Artefacts()
        result.ipPrefixes = artefacts.ipPrefixes.filter { keep(ArtefactKey.ipPrefix($0)) }
        result.asns = artefacts.asns.filter { keep(ArtefactKey.asn($0)) }
        result.clients = artefacts.clients.filter { keep(ArtefactKey.client($0)) }
        return (result, domains.filter { !EmailDomains.isFreeMail($0) && keep(ArtefactKey.emailDomain($0)) })
    }

    /// Whether only flagged accounts used an artefact: no other account at all while the users are
    /// known exactly (up to 64), at most 2% of them when their number is an estimate.
    func exclusive(_ key: UInt64, flaggedUse: FlaggedUse) -> Bool {
        if let only = anchorFirstUser[key] { return flaggedUse.accounts.contains(only) }
        guard let users = artefactUse[key], users.count > 0 else { return false }
        if let members = users.exactMembers { return members.allSatisfy(flaggedUse.accounts.contains) }
        let others = max(users.count - (flaggedUse.counts[key] ?? 0), 0)
        return Double(others) <= 0.02 * Double(users.count)
    }

    /// Re-scores the accounts active since the last checkpoint and records first flags.
    mutating func checkpoint() {
        checkpoints += 1
        guard !active.isEmpty else { return }
        let context = Self.context(capabilityCounts: capabilityCounts, templates: templates.stats, paymentAccounts: paymentAccounts)
        var touched = Set<Cohorts.Key>()
        for index in active {
            let signals = AccountSignals(profiles[index], context: context)
            let exchanges = profiles[index].exchanges
            let verdict = model.verdict(score: model.score(signals), signals: signals, exchanges: exchanges)
            recordFlag(index, verdict, at: profiles[index].lastSeen)
            if exchanges < model.minimumExchanges {
                let key = Cohorts.key(for: profiles[index])
                touched.formUnion(cohorts.update(index, key: key, .init(signals: signals, profile: profiles[index])))
            } else {
                if cohorts.key(of: index) != nil {
                    touched.formUnion(cohorts.update(index, key: nil, .init(signals: signals, exchanges: exchanges)))
                }
                let near = verdict == .review && isNearCohort(exchanges: exchanges) ? Cohorts.key(for: profiles[index]) : nil
                if let key = cohorts.updateNear(index, key: near) { touched.insert(key) }
            }
        }
        var campaignAnchors: [UInt64: Int]?
        for key in touched {
            guard let cohort = cohortVerdict(key), cohort.kind == .attack else { continue }
            if campaignAnchors == nil { campaignAnchors = attackWaveAnchors() }
            for (member, sameCapability) in cohorts.accounts(createdWith: key)
            where firstFlags[member].attack == nil
                && tieToCohort(
                    member, key, AccountSignals(profiles[member], context: context), sameCapability: sameCapability, context: context,
                    attackWaveAnchors: campaignAnchors ?? [:]) != nil
            {
                recordFlag(member, .attack, at: max(profiles[member].lastSeen, logEnd ?? profiles[member].lastSeen))
            }
        }
        active.removeAll(keepingCapacity: true)
        if let end = logEnd { templates.prune(now: end) }
    }

    private mutating func recordFlag(_ index: Int, _ verdict: Verdict.Kind, at time: Timestamp) {
        switch verdict {
        case .benign: return
        case .review: if firstFlags[index].review == nil { firstFlags[index].review = time }
        case .attack:
            if firstFlags[index].attack == nil { firstFlags[index].attack = time }
            if firstFlags[index].review == nil { firstFlags[index].review = time }
        }
    }

    /// What ties a small account (or a near one) to its cohort at attack, so that it carries the
    /// cohort's verdict; nil when nothing does. On its own few requests it must score at least the
    /// review threshold, and either a harvest-specific signal of its own corroborates it (no account
    /// is acted on without one; see `ScoringModel.verdict`), not counting harvesting templates it
    /// sends plainly, or, while asking for reasoning (`asksForReasoning`), it words its requests
    /// as many of its cohort do (`Cohorts.cohortWording`) or in words that are a campaign's own
    /// (`campaignWording`, with `attackWaveAnchors` from `attackWaveAnchors()`); either way only
    /// words that are mostly the campaign's count (`campaignsOwn`). One or two requests rarely
    /// show a harvest-specific signal; a customer who signed up the same morning and asks the
    /// same kind of problem falls into the campaign's template, but in their own words, and one
    /// who pastes a problem the campaign also sends uses words that many others use too.
    ///
    /// An account of the same wave whose requests mostly target another capability
    /// (`sameCapability` false) is tied by its wording only.
    func tieToCohort(
        _ index: Int, _ key: Cohorts.Key, _ signals: AccountSignals, sameCapability: Bool = true, context: AccountSignals.Context,
        attackWaveAnchors: [UInt64: Int] = [:]
    ) -> CohortTie? {
        guard model.score(signals) >= model.reviewThreshold else { return nil }
        if sameCapability, model.isCorroborated(Self.withoutPlainTemplates(signals, profiles[index], context: context)) {
            return .ownSignal
        }
        guard asksForReasoning(signals, profiles[index]) else { return nil }
        // Only words that are mostly the campaign's tie: the words of a task that customers ask
        // too (a kind of problem, put plainly) are shared by many of a large cohort as well.
        let anchors = (profiles[index].wordingAnchors ?? []).filter {
            campaignsOwn($0, waveAccounts: attackWaveAnchors[$0] ?? 0) != nil
        }
        if let shared = cohorts.cohortWording(anchors, of: key) { return .wording(members: shared.members) }
        if let campaign = campaignWording(anchors, attackWaveAnchors: attackWaveAnchors) {
            return .campaignWording(waveAccounts: campaign.waveAccounts, users: campaign.users)
        }
        return nil
    }

    /// The wording anchors of the small accounts created in a wave with a cohort at attack (in any
    /// of the wave's cohorts), with how many of them use each.
    func attackWaveAnchors() -> [UInt64: Int] {
        cohorts.anchorMembers(inWaves: Set(cohorts.pools.keys.filter { cohortVerdict($0)?.kind == .attack }.map(\.wave)))
    }

    /// The campaign's wording among `anchors`, if any: words (a head or tail anchor of
    /// `TemplateSignature`) that at least `Cohorts.minimumMembers` small accounts created in waves
    /// with a cohort at attack use, and that are mostly theirs: at most `campaignWordingOutside`
    /// of the accounts that ever used them (counted exactly up to 64, estimated beyond) are other
    /// accounts. A throwaway sweep spread over many wordings, each shared by too few of one cohort
    /// to be the cohort's (`Cohorts.cohortWording`), still words each request in one of its own;
    /// the opening or closing words of a task its accounts share with customers (the same kind of
    /// problem, asked plainly) are used by the customers too. Returns the most used such words:
    /// how many small accounts of those waves, and how many accounts in all, use them.
    func campaignWording(_ anchors: [UInt64], attackWaveAnchors: [UInt64: Int]) -> (waveAccounts: Int, users: Int)? {
        var best: (waveAccounts: Int, users: Int)?
        for anchor in anchors {
            guard let waveAccounts = attackWaveAnchors[anchor], waveAccounts >= Cohorts.minimumMembers,
                waveAccounts > best?.waveAccounts ?? 0, let users = campaignsOwn(anchor, waveAccounts: waveAccounts)
            else { continue }
            best = (waveAccounts, users)
        }
        return best
    }

    /// How many accounts ever used the words `anchor` (counted exactly up to 64, estimated beyond),
    /// when `waveAccounts` small accounts of waves with a cohort at attack are at least the share
    /// `1 - campaignWordingOutside` of them; nil when more of their users are other accounts.
    func campaignsOwn(_ anchor: UInt64, waveAccounts: Int) -> Int? {
        guard waveAccounts > 0 else { return nil }
        let key = ArtefactKey.anchor(anchor)
        let users = max(anchorFirstUser[key] != nil ? 1 : artefactUse[key]?.count ?? 0, waveAccounts)
        return Double(users - waveAccounts) <= Self.campaignWordingOutside * Double(users) ? users : nil
    }

    /// The share of a wording's users that may be other accounts than small accounts of waves
    /// with a cohort at attack, for it to be a campaign's own (`campaignsOwn`: both wording ties).
    static let campaignWordingOutside = 0.5

    /// What ties an account to its cohort (`tieToCohort`).
    enum CohortTie: Equatable {
        case ownSignal
        case wording(members: Int)
        case campaignWording(waveAccounts: Int, users: Int)
    }

    /// `signals` with `harvest_template_share` counting only the harvesting templates the account
    /// sends as a harvest (`AccountProfile.TemplateUse.isSentAsHarvest`), not those it falls into
    /// by asking the same kind of task plainly.
    static func withoutPlainTemplates(_ signals: AccountSignals, _ p: AccountProfile, context: AccountSignals.Context) -> AccountSignals {
        var result = signals
        var share = 0.0
        for entry in p.templates where entry.isSentAsHarvest {
            if let stats = context.templates[entry.id], stats.harvestScore >= 0.5 { share += Double(entry.count) }
        }
        result.values[harvestTemplateShare] = min(result.values[harvestTemplateShare], p.exchanges > 0 ? share / Double(p.exchanges) : 0)
        return result
    }

    static let harvestTemplateShare = AccountSignals.names.firstIndex(of: "harvest_template_share")!

    /// Whether at least half of an account's requests elicit reasoning, turn on extended thinking
    /// (at any budget) or high effort, or ask for maximal budgets. The rates of `signals` count
    /// thinking only from a 4,000-token budget (heavy use of reasoning), and thinking and maximal
    /// budgets only among stand-alone requests; a throwaway that keeps its thinking budget small
    /// still asks for the model's reasoning.
    func asksForReasoning(_ signals: AccountSignals, _ profile: AccountProfile) -> Bool {
        if Self.reasoningSignals.contains(where: { signals.values[$0] >= 0.5 }) { return true }
        guard let thinking = profile.thinking, profile.exchanges > 0 else { return false }
        return 2 * thinking >= profile.exchanges
    }

    static let reasoningSignals = ["cot_elicitation_rate", "reasoning_request_rate", "maximal_budget_rate"].map {
        AccountSignals.names.firstIndex(of: $0)!
    }

    /// Whether an account judged alone is small enough to take its cohort's verdict when it is at
    /// review on its own (`Cohorts.fewRequests`); `tieToCohort` decides whether it does.
    func isNearCohort(exchanges: Int) -> Bool {
        exchanges >= model.minimumExchanges && exchanges < Cohorts.fewRequests
    }

    /// The verdict of a cohort of small accounts, when it is large enough to judge.
    func cohortVerdict(_ key: Cohorts.Key) -> (kind: Verdict.Kind, verdict: CohortVerdict)? {
        guard let pooled = cohorts.signals(of: key) else { return nil }
        let score = model.score(pooled.signals)
        let kind = model.verdict(score: score, signals: pooled.signals, exchanges: pooled.exchanges)
        return (
            kind,
            CohortVerdict(
                key: key, members: pooled.members.count, exchanges: pooled.exchanges, score: score, signals: pooled.signals,
                memberExchanges: model.minimumExchanges)
        )
    }

    /// Scores every account, links flagged accounts into clusters and explains each verdict.
    public mutating func finish(eventsRejected: Int = 0) -> AnalysisResult {
        let context = Self.context(capabilityCounts: capabilityCounts, templates: templates.stats, paymentAccounts: paymentAccounts)
        var verdicts: [Int: (kind: Verdict.Kind, score: Double, signals: AccountSignals)] = [:]
        cohorts = Cohorts()
        var ownSignals: [Int: AccountSignals] = [:]
        for index in profiles.indices {
            let signals = AccountSignals(profiles[index], context: context)
            let score = model.score(signals)
            let exchanges = profiles[index].exchanges
            let kind = model.verdict(score: score, signals: signals, exchanges: exchanges)
            recordFlag(index, kind, at: profiles[index].lastSeen)
            if kind != .benign { verdicts[index] = (kind, score, signals) }
            if exchanges < model.minimumExchanges {
                cohorts.update(index, key: Cohorts.key(for: profiles[index]), .init(signals: signals, profile: profiles[index]))
                ownSignals[index] = signals
            } else if kind == .review, isNearCohort(exchanges: exchanges) {
                _ = cohorts.updateNear(index, key: Cohorts.key(for: profiles[index]))
                ownSignals[index] = signals
            }
        }
        // Small accounts (and the near ones) tied to their cohort take its verdict when it is
        // attack (see `Cohorts` and `tieToCohort`).
        var cohortOf: [Int: CohortVerdict] = [:]
        let campaignAnchors = attackWaveAnchors()
        for key in cohorts.pools.keys.sorted(by: { ($0.wave, $0.capability) < ($1.wave, $1.capability) }) {
            guard let (kind, cohort) = cohortVerdict(key), kind == .attack else { continue }
            for (member, sameCapability) in cohorts.accounts(createdWith: key) where verdicts[member]?.kind != .attack {
                guard let signals = ownSignals[member],
                    let tie = tieToCohort(
                        member, key, signals, sameCapability: sameCapability, context: context, attackWaveAnchors: campaignAnchors)
                else { continue }
                var verdict = cohort
                switch tie {
                case .ownSignal: break
                case .wording(let members): verdict.sharedWording = members
                case .campaignWording(let waveAccounts, let users): verdict.campaignWording = (waveAccounts, users)
                }
                recordFlag(member, .attack, at: profiles[member].lastSeen)
                verdicts[member] = (.attack, cohort.score, cohort.signals)
                cohortOf[member] = verdict
            }
        }
        let linker = ClusterLinker(profiles: profiles, flagged: Set(verdicts.keys), templates: templates.stats)
        let clusters = linker.clusters()
        var clusterOf: [Int: String] = [:]
        for (number, members) in clusters.enumerated() where members.count > 1 {
            for member in members { clusterOf[member] = ClusterLinker.clusterID(number + 1) }
        }
        // The last step of scoring: an established customer's own verdict is capped at review; its
        // cluster and templates keep theirs (`EstablishedAccounts`). What only it uses is not
        // offered for sharing as a campaign's.
        var held: [Int: String] = [:]
        if let established = model.establishedAccounts {
            for (index, verdict) in verdicts where verdict.kind == .attack {
                held[index] = established.reason(profiles[index], signals: verdict.signals, paymentAccounts: paymentAccounts)
            }
        }
        var flaggedUse = FlaggedUse()
        for index in verdicts.keys where held[index] == nil {
            flaggedUse.accounts.insert(StableHash.hash(profiles[index].accountID))
            let p = profiles[index]
            var keys = Set<UInt64>()
            for prefix in p.artefacts.ipPrefixes { keys.insert(ArtefactKey.ipPrefix(prefix)) }
            for asn in p.artefacts.asns { keys.insert(ArtefactKey.asn(asn)) }
            for client in p.artefacts.clients { keys.insert(ArtefactKey.client(client)) }
            if let domain = p.account.emailDomain { keys.insert(ArtefactKey.emailDomain(domain)) }
            for entry in p.templates { for anchor in templates.stats[entry.id]?.anchors ?? [] { keys.insert(ArtefactKey.anchor(anchor)) } }
            for key in keys { flaggedUse.counts[key, default: 0] += 1 }
        }
        let explainer = EvidenceWriter(profiles: profiles, context: context, paymentAccounts: paymentAccounts)
        let regional = assessCompliance(clusters: clusters)
        var accounts: [AccountVerdict] = verdicts.map { index, verdict in
            let profile = profiles[index]
            let kind: Verdict.Kind = held[index] == nil ? verdict.kind : .review
            return AccountVerdict(
                accountID: profile.accountID, verdict: kind, score: verdict.score, clusterID: clusterOf[index],
                firstFlaggedAt: firstFlags[index][kind],
                signals: model.contributions(verdict.signals).prefix(8).map {
                    Signal(name: $0.name, value: $0.value, contribution: $0.contribution)
                },
                signalValues: Dictionary(uniqueKeysWithValues: zip(AccountSignals.names, verdict.signals.values)),
                evidence: (held[index].map { [$0] } ?? [])
                    + explainer.evidence(
                        for: index, signals: verdict.signals, clusterSize: clusters.first { $0.contains(index) }?.count ?? 1,
                        cohort: cohortOf[index], rule: cohortOf[index] == nil ? rule(of: index, verdict) : nil),
                exchanges: profile.exchanges, firstSeen: profile.firstSeen, lastSeen: profile.lastSeen,
                paymentFingerprint: profile.account.paymentFingerprint, emailDomain: profile.account.emailDomain,
                artefacts: profile.artefacts, compliance: regional.accounts[index])
        }
        accounts.sort { $0.score != $1.score ? $0.score > $1.score : $0.accountID < $1.accountID }
        let clusterVerdicts = clusters.enumerated().compactMap { number, members -> ClusterVerdict? in
            guard members.count > 1 else { return nil }
            var cluster = linker.verdict(
                id: ClusterLinker.clusterID(number + 1), members: members, verdicts: verdicts.mapValues { ($0.kind, $0.score) },
                firstFlags: firstFlags, hourly: hourly, logStart: logStart, logEnd: logEnd, explainer: explainer)
            let shared = exclusive(cluster.artefacts, domains: cluster.emailDomains, flaggedUse: flaggedUse)
            cluster.artefacts = shared.artefacts
            cluster.emailDomains = shared.domains
            cluster.compliance = regional.clusters[number]?.first
            return cluster
        }
        return AnalysisResult(
            eventsAnalyzed: events, eventsRejected: eventsRejected, accountsAnalyzed: profiles.count, accounts: accounts,
            clusters: clusterVerdicts.sorted { $0.score != $1.score ? $0.score > $1.score : $0.clusterID < $1.clusterID },
            templates: templateVerdicts(flaggedUse: flaggedUse), logStart: logStart, logEnd: logEnd, outOfOrderEvents: outOfOrder,
            compliance: compliance.map { settings in
                ComplianceReport(
                    restrictedRegions: settings.restrictedRegions.sorted(),
                    accounts: regional.accounts.values.sorted { $0.score != $1.score ? $0.score > $1.score : $0.subject < $1.subject },
                    clusters: regional.clusters.values.flatMap { $0 }.sorted {
                        $0.subject != $1.subject ? $0.subject < $1.subject : ($0.confidence, $0.score) > ($1.confidence, $1.score)
                    })
            })
    }

    /// The rule that set an account's verdict (`ScoringModel.rule`), when the verdict is still the
    /// one that rule sets (not raised by its cluster or cohort): its evidence leads with it.
    func rule(of index: Int, _ verdict: (kind: Verdict.Kind, score: Double, signals: AccountSignals)) -> ScoringModel.Rule? {
        let exchanges = profiles[index].exchanges
        guard model.verdict(score: verdict.score, signals: verdict.signals, exchanges: exchanges) == verdict.kind else { return nil }
        return model.rule(score: verdict.score, signals: verdict.signals, exchanges: exchanges)
    }

    /// Regional compliance: each account on its own, then again with the assessments of the
    /// accounts it is linked to, then each cluster from its members (their assessments and the
    /// traces they leave together), and the members of a cluster at `medium` or above inherit it.
    func assessCompliance(clusters: [[Int]]) -> (accounts: [Int: ComplianceAssessment], clusters: [Int: [ComplianceAssessment]]) {
        guard let compliance else { return ([:], [:]) }
        let assessor = ComplianceAssessor(settings: compliance)
        var accounts: [Int: ComplianceAssessment] = [:]
        for index in profiles.indices { accounts[index] = assessor.assess(profiles[index]) }
        var clusterAssessments: [Int: [ComplianceAssessment]] = [:]
        for (number, members) in clusters.enumerated() where members.count > 1 {
            // Members at medium or above, by region, before any member is reassessed.
            var supporting: [String: Int] = [:]
            for member in members {
                if let a = accounts[member], a.confidence >= .medium { supporting[a.region, default: 0] += 1 }
            }
            let first = Dictionary(uniqueKeysWithValues: members.map { ($0, accounts[$0]) })
            for member in members {
                var linked: [String: Double] = [:]
                for region in compliance.restrictedRegions {
                    let own = first[member]!.map { $0.region == region && $0.confidence >= .medium } ?? false
                    linked[region] = Double((supporting[region] ?? 0) - (own ? 1 : 0)) / Double(max(members.count - 1, 1))
                }
                if let assessment = assessor.assess(profiles[member], linked: linked) { accounts[member] = assessment }
            }
            let assessments = assessor.assess(
                cluster: ClusterLinker.clusterID(number + 1), members: members.map { profiles[$0] },
                assessments: members.map { accounts[$0] })
            guard !assessments.isEmpty else { continue }
            clusterAssessments[number] = assessments
            for cluster in assessments {
                for member in members {
                    accounts[member] = assessor.inherit(accounts[member], profile: profiles[member], cluster: cluster)
                }
            }
        }
        return (accounts, clusterAssessments)
    }

    /// Templates flagged by their own behaviour; the anchors offered for sharing are those (nearly)
    /// only flagged accounts used, so that a template whose slot holds common text is not shared by it.
    func templateVerdicts(flaggedUse: FlaggedUse) -> [TemplateVerdict] {
        templates.stats.values.filter { $0.exchanges >= 20 && $0.accounts.count >= 2 }.compactMap { stats in
            let score = stats.harvestScore
            let kind: Verdict.Kind = score >= 0.75 ? .attack : (score >= 0.5 ? .review : .benign)
            guard kind != .benign else { return nil }
            let capability = stats.capabilities.indices.max { stats.capabilities[$0] < stats.capabilities[$1] } ?? 0
            return TemplateVerdict(
                id: stats.id, label: stats.label, verdict: kind, score: score, accounts: stats.accounts.count, exchanges: stats.exchanges,
                skeleton: stats.skeleton, example: stats.example, capability: Capability(rawValue: capability)!.name,
                cotRate: stats.rate(stats.cot), anchors: stats.anchors.filter { exclusive(ArtefactKey.anchor($0), flaggedUse: flaggedUse) })
        }.sorted { $0.score != $1.score ? $0.score > $1.score : $0.label < $1.label }
    }

    /// A matcher for the prompts of the templates in `verdicts` (from `finish()`), for enforcement.
    public func templateMatcher(for verdicts: [TemplateVerdict], minimum: Verdict.Kind = .review) -> TemplateMatcher {
        var flagged: [Int: TemplateMatcher.Template] = [:]
        for t in verdicts where t.verdict >= minimum {
            flagged[t.id] = TemplateMatcher.Template(label: t.label, verdict: t.verdict, score: t.score)
        }
        return TemplateMatcher(keys: templates.keys(of: Set(flagged.keys)), templates: flagged)
    }

    /// Profiles, for training (`distillguard train`).
    public func signalsByAccount() -> [(accountID: String, exchanges: Int, signals: AccountSignals)] {
        let context = self.context
        return profiles.map { ($0.accountID, $0.exchanges, AccountSignals($0, context: context)) }
    }

    /// The cohorts of small accounts large enough to judge, with their pooled signals (what
    /// `finish()` scores), so that training sees them as it sees accounts.
    public func signalsByCohort() -> [(members: [String], exchanges: Int, signals: AccountSignals)] {
        let context = self.context
        var cohorts = Cohorts()
        for profile in profiles.indices where profiles[profile].exchanges < model.minimumExchanges {
            let p = profiles[profile]
            cohorts.update(profile, key: Cohorts.key(for: p), .init(signals: AccountSignals(p, context: context), profile: p))
        }
        // In a stable order (of their first members), so that training gives the same weights every run.
        return cohorts.pools.keys.compactMap { key in
            cohorts.signals(of: key).map { pooled in
                (pooled.members.sorted().map { profiles[$0].accountID }, pooled.exchanges, pooled.signals)
            }
        }.sorted { $0.members[0] < $1.members[0] }
    }

}

/// When an account first crossed into each flagged verdict during replay.
struct FirstFlags: Sendable, Codable {
    var review: Timestamp?
    var attack: Timestamp?

    subscript(kind: Verdict.Kind) -> Timestamp? {
        switch kind {
        case .benign: nil
        case .review: review
        case .attack: attack
        }
    }
}

/// Keys of `DetectionEngine.artefactUse`: one hash space per kind of artefact.
enum ArtefactKey {
    static func ipPrefix(_ prefix: String) -> UInt64 { StableHash.hash(prefix, seed: 0xA1) }
    static func asn(_ asn: Int) -> UInt64 { StableHash.hash(UInt64(bitPattern: Int64(asn)), seed: 0xA2) }
    static func client(_ fingerprint: UInt64) -> UInt64 { StableHash.hash(fingerprint, seed: 0xA3) }
    static func client(_ c: Artefacts.ClientSoftware) -> UInt64 { client(Artefacts.fingerprint(c)) }
    static func emailDomain(_ domain: String) -> UInt64 { StableHash.hash(domain, seed: 0xA4) }
    static func anchor(_ anchor: UInt64) -> UInt64 { StableHash.hash(anchor, seed: 0xA5) }
}

/// Consumer mail providers: sharing one says nothing about two accounts.
public enum EmailDomains {
    public static let freeMail: Set<String> = [
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com", "me.com", "aol.com",
        "proton.me", "protonmail.com", "gmx.de", "gmx.net", "web.de", "mail.ru", "yandex.ru", "qq.com", "163.com", "126.com",
        "naver.com", "daum.net", "yahoo.co.jp",
    ]

    public static func isFreeMail(_ domain: String) -> Bool { freeMail.contains(domain.lowercased()) }
}

/// Which accounts were flagged (by hash), and how many flagged accounts used each artefact key
/// (an upper bound, used only where the users of an artefact are too many to know exactly).
struct FlaggedUse {
    var accounts = Set<UInt64>()
    var counts: [UInt64: Int] = [:]
}
