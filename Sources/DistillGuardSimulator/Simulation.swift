import DistillGuardCore

/// Runs a scenario and writes `events.jsonl` (time-ordered, per the event contract) and
/// `labels.jsonl` (ground truth per account).
///
/// Memory is bounded by the number of accounts, never the number of events: each account keeps
/// only its next event time and its current conversation, and a heap hands out events in time
/// order as they are written.
public struct Simulation {
    public enum Scale: String, CaseIterable, Sendable {
        case small, medium, large

        /// Account counts grow with the event count.
        var accountFactor: Int {
            switch self {
            case .small: 1
            case .medium: 10
            case .large: 100
            }
        }
    }

    /// What was written.
    public struct Summary: Sendable {
        public var events = 0
        public var accounts = 0
        public var eventsByPopulation: [String: Int] = [:]
        public var accountsByPopulation: [String: Int] = [:]
        public var populations: [Population] = []
    }

    public let scenario: Scenario
    public let seed: UInt64
    public let scale: Scale
    public let corpus: PromptCorpus?

    public init(scenario: Scenario, seed: UInt64, scale: Scale, corpus: PromptCorpus? = nil) {
        self.scenario = scenario
        self.seed = seed
        self.scale = scale
        self.corpus = corpus
    }

    var start: Timestamp { Timestamp(rfc3339: scenario.start)! }
    var end: Timestamp { start.adding(seconds: scenario.days * 86_400) }
    var releaseAt: Timestamp? { scenario.releaseDay.map { start.adding(seconds: $0 * 86_400) } }

    /// Writes both files; `progress` is called with the number of events written so far.
    public func run(eventsPath: String, labelsPath: String, progress: (Int, Int) -> Void = { _, _ in }) throws -> Summary {
        var summary = Summary(populations: scenario.populations)
        var population = PopulationSetup(simulation: self)
        var accounts = population.makeAccounts()
        summary.accounts = accounts.count
        try writeLabels(accounts, to: labelsPath, summary: &summary)

        var queue = EventQueue()
        for index in accounts.indices {
            if let first = nextTime(after: accounts[index].activeFrom, for: &accounts[index], curve: population.curves[index]) {
                accounts[index].nextTime = first
                queue.push(time: first.milliseconds, account: index)
            }
        }
        let writer = try BufferedFileWriter(path: eventsPath)
        var json = JSONWriter(reservingCapacity: 16_384)
        let planner = RequestPlanner(scenario: scenario, releaseAt: releaseAt, corpus: corpus)
        let builder = EventBuilder()
        let target = scenario.events.size(scale)
        while let (_, index) = queue.pop() {
            let time = accounts[index].nextTime
            let populationInfo = scenario.populations[accounts[index].population]
            let plan = planner.plan(for: &accounts[index], population: populationInfo, at: time)
            var proxy: EventBuilder.Route? = populationInfo.network == .proxy ? population.proxyAddress(&accounts[index].rng) : nil
            if let share = populationInfo.homeNetworkShare, share > 0, let country = accounts[index].homeCountry,
                accounts[index].rng.chance(share)
            {
                let home = Network.homeNetwork(country, &accounts[index].rng)
                proxy = .init(ip: home.ip, system: home.system, country: country)
            }
            let event = builder.event(
                id: eventID(summary.events + 1), at: time, account: &accounts[index], plan: plan, proxy: proxy)
            json.removeAll()
            json.write(event)
            try writer.write(json.bytes)
            try writer.write(CollectionOfOne(0x0A))
            summary.events += 1
            summary.eventsByPopulation[populationInfo.name, default: 0] += 1
            if summary.events % 5000 == 0 { progress(summary.events, target) }
            if let next = nextTime(after: time, for: &accounts[index], curve: population.curves[index]) {
                accounts[index].nextTime = next
                queue.push(time: next.milliseconds, account: index)
            }
        }
        try writer.close()
        progress(summary.events, target)
        return summary
    }

    /// The next event time of an account by thinning against its activity curve; nil when its window is over.
    func nextTime(after time: Timestamp, for account: inout SimulatedAccount, curve: ActivityCurve) -> Timestamp? {
        guard account.peakRate > 0 else { return nil }
        var rate = account.peakRate
        // People and agents work in sessions: an agent's tool loop of about `agentSessionLength`
        // requests seconds apart, a chat of a few messages minutes apart. Sessions start at the
        // rate that keeps the population's share of events.
        let session: (length: Double, gapSeconds: Double)? =
            switch scenario.populations[account.population].behavior {
            case .codingAgent: (Self.agentSessionLength, 40)
            case .organic: (Self.chatSessionLength, 100)
            default: nil
            }
        if let session {
            if account.rng.unit() < 1 - 1 / session.length {
                let next = time.adding(seconds: 3 + account.rng.exponential(mean: session.gapSeconds))
                if next < account.activeUntil { return next }
            }
            rate /= session.length
        }
        var t = time
        while true {
            t = t.adding(seconds: max(account.rng.exponential(mean: 1 / rate), 0.001))
            if t >= account.activeUntil { return nil }
            if account.rng.unit() < curve.intensity(at: t) { return t }
        }
    }

    /// Requests in a coding agent's session, and in a chat session, on average.
    static let agentSessionLength = 12.0
    static let chatSessionLength = 3.0

    func writeLabels(_ accounts: [SimulatedAccount], to path: String, summary: inout Summary) throws {
        let writer = try BufferedFileWriter(path: path)
        for account in accounts {
            let population = scenario.populations[account.population]
            summary.accountsByPopulation[population.name, default: 0] += 1
            var label: JSONObject = [
                "account_id": .string(account.id), "label": .string(population.label),
                "campaign": population.campaign.map { .string($0) } ?? .null, "kind": .string(population.kind),
            ]
            if let restricted = population.restrictedRegion { label["restricted_region"] = .bool(restricted) }
            try writer.write(JSONValue.object(label).description + "\n")
        }
        try writer.close()
    }
}

extension Scenario.ScaleSizes {
    func size(_ scale: Simulation.Scale) -> Int {
        switch scale {
        case .small: small
        case .medium: medium
        case .large: large
        }
    }
}

/// `ex_000000042`-style event ids: fixed width keeps the log sortable as text.
func eventID(_ number: Int) -> String {
    let digits = String(number)
    return "ex_" + String(repeating: "0", count: max(0, 9 - digits.count)) + digits
}

/// A binary min-heap of (time, account) pairs; ties go to the lower account index.
struct EventQueue {
    private var heap: [(time: Int64, account: Int)] = []

    private func less(_ a: (time: Int64, account: Int), _ b: (time: Int64, account: Int)) -> Bool {
        a.time != b.time ? a.time < b.time : a.account < b.account
    }

    mutating func push(time: Int64, account: Int) {
        heap.append((time, account))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (time: Int64, account: Int)? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < heap.count, less(heap[left], heap[smallest]) { smallest = left }
                if right < heap.count, less(heap[right], heap[smallest]) { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top
    }
}
