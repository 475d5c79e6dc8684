import DistillGuardCore

/// Creates every account of a scenario: identity, network, creation time, activity and volume.
struct PopulationSetup {
    let simulation: Simulation
    private(set) var curves: [ActivityCurve] = []
    /// Shared residential-proxy address blocks (first three octets and their AS).
    private var proxyPool: [(prefix: String, system: Network.AutonomousSystem)] = []

    init(simulation: Simulation) {
        self.simulation = simulation
        var rng = SeededRandom(seed: simulation.seed, stream: 0x9_0000)
        for _ in 0..<48 {
            let system = rng.pick(Network.residential)
            let prefix = rng.pick(system.prefixes)
            proxyPool.append(("\(prefix.0).\(prefix.1).\(rng.int(0...255))", system))
        }
    }

    func proxyAddress(_ rng: inout SeededRandom) -> EventBuilder.Route {
        let entry = rng.pick(proxyPool)
        return .init(ip: "\(entry.prefix).\(rng.int(1...254))", system: entry.system)
    }

    mutating func makeAccounts() -> [SimulatedAccount] {
        var accounts: [SimulatedAccount] = []
        let totalEvents = Double(simulation.scenario.events.size(simulation.scale))
        for (populationIndex, population) in simulation.scenario.populations.enumerated() {
            var rng = SeededRandom(seed: simulation.seed, stream: UInt64(populationIndex) << 32)
            let count = population.accounts * ((population.scaleAccounts ?? true) ? simulation.scale.accountFactor : 1)
            let windows = sharedWindows(population.activity, &rng)
            let weights = (0..<count).map { _ in
                population.volume == .heavyTailed ? min(rng.pareto(alpha: 1.25), 200) : rng.double(0.7...1.3)
            }
            let weightTotal = weights.reduce(0, +)
            let organization = "org_" + rng.hex(10)
            let bursts = (0..<max(population.creationBursts ?? 0, 1)).map { _ in
                rng.double(population.createdDays[0]...population.createdDays[1])
            }
            var payment = "pm_" + rng.hex(10)
            for localIndex in 0..<count {
                if localIndex % max(population.accountsPerPayment ?? 1, 1) == 0 { payment = "pm_" + rng.hex(10) }
                let createdDay: Double
                if population.creationBursts != nil {
                    createdDay = rng.pick(bursts) + rng.double(-0.08...0.08)
                } else {
                    createdDay = rng.double(population.createdDays[0]...population.createdDays[1])
                }
                var account = makeAccount(
                    index: accounts.count, population: population, populationIndex: populationIndex, createdDay: createdDay,
                    payment: payment, organization: organization, &rng)
                let curve = ActivityCurve(activity: population.activity, timeZoneOffset: account.timeZoneOffset, sharedWindows: windows)
                let expected = totalEvents * population.share * weights[localIndex] / weightTotal
                let seconds = Double(account.activeUntil.milliseconds - account.activeFrom.milliseconds) / 1000
                if seconds > 0 {
                    account.peakRate = expected / (seconds * curve.meanIntensity(from: account.activeFrom, until: account.activeUntil))
                }
                curves.append(curve)
                accounts.append(account)
            }
        }
        return accounts
    }

    /// Hours of the UTC day when a bursty or synchronized population is active.
    func sharedWindows(_ activity: Population.Activity, _ rng: inout SeededRandom) -> [ClosedRange<Double>] {
        switch activity {
        case .bursts:
            return (0..<4).map { _ in
                let startHour = rng.double(0...22)
                return startHour...(startHour + 1.5)
            }
        case .synchronized:
            return (0..<3).map { slot in
                let startHour = Double(slot * 8) + rng.double(0...5)
                return startHour...(startHour + 2.5)
            }
        default:
            return []
        }
    }

    func makeAccount(
        index: Int, population: Population, populationIndex: Int, createdDay: Double, payment: String, organization: String,
        _ rng: inout SeededRandom
    ) -> SimulatedAccount {
        let start = simulation.start
        let end = simulation.end
        let createdAt = start.adding(seconds: createdDay * 86_400 + rng.double(0...3600))
        var activeFrom = max(createdAt, start)
        var activeUntil = end
        if let lifetime = population.lifetimeDays {
            activeUntil = min(end, createdAt.adding(seconds: lifetime * 86_400 * rng.double(0.7...1.3)))
        }
        if activeUntil < activeFrom { activeFrom = activeUntil }
        let country = rng.pick(population.countries)
        // Drawn only for populations that set them, so other populations' traffic stays as it was.
        let operatorCountry = population.operatorCountries.map { rng.pick($0) } ?? country
        let declaredCountry = population.declaredCountries.map { rng.pick($0) } ?? country
        let paymentCountry = population.paymentCountries.map { rng.pick($0) }
        let homeCountry = population.homeCountries.map { rng.pick($0) }
        let systems = Network.systems(population.network, country: country)
        let system = rng.pick(systems)
        var clients: [String: Network.Client] = [:]
        var preferred: [String: String] = [:]
        for api in population.apis.keys.sorted() {
            clients[api] = Network.client(api: api, &rng)
            let lineup = simulation.scenario.models[api]!.current
            preferred[api] = rng.chance(0.6) ? lineup[0] : rng.pick(lineup)
        }
        let defaultDomains = [
            "gmail.com", "outlook.com", "yahoo.com", "proton.me", "icloud.com", "qq.com", "163.com", "naver.com", "gmx.de",
        ]
        return SimulatedAccount(
            index: index,
            id: "acct_" + rng.hex(12),
            population: populationIndex,
            createdAt: createdAt,
            activeFrom: activeFrom,
            activeUntil: activeUntil,
            tier: rng.pick(weights: population.tiers.sorted { $0.key < $1.key }),
            paymentFingerprint: payment,
            emailDomain: rng.pick(population.emailDomains ?? defaultDomains),
            verified: rng.chance(population.verified ?? 0.5),
            country: country,
            declaredCountry: declaredCountry,
            paymentCountry: paymentCountry,
            language: population.promptLanguage.map { ($0, population.promptLanguageShare ?? 0.5) },
            timeZoneOffset: Network.timeZoneOffset(country: operatorCountry) ?? 0,
            homeCountry: homeCountry,
            organizationID: population.sharedOrganization == true ? organization : (rng.chance(0.3) ? "org_" + rng.hex(10) : nil),
            system: system,
            fixedIP: Network.ip(in: system, &rng),
            clients: clients,
            preferredModels: preferred,
            rng: SeededRandom(seed: simulation.seed, stream: UInt64(index) &+ 0x1_0000_0000),
            nextTime: activeFrom
        )
    }
}
