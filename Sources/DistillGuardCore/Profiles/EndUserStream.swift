/// Which end users of a reseller or router only ever send *harvest-shaped* requests: requests that
/// stand alone (no earlier answer re-sent) and ask for extended thinking or high reasoning effort
/// with room for a long answer (`ExchangeFeatures.longReasoning`).
///
/// A router laundering a harvesting stream can word each request its own way, keep budgets under
/// the maximal marks and mint end-user ids that live a few hours, but what it harvests is the
/// point: complete reasoning on independent tasks. Its stream's end users send nothing else, while
/// a real end user converses, follows up, or asks for a short answer now and then. The share of an
/// account's requests that come from such end users is the end-user form of `harvest_substream`.
///
/// Bounded: end users are counted in two generations of `generation` ids (the older is retired
/// when the newer fills, its stream users folded into totals), so a router that mints ids forever
/// costs at most two generations of small tallies.
public struct EndUserStream: Sendable, Codable, Equatable {
    struct Tally: Sendable, Codable, Equatable {
        var requests: Int32 = 0
        var shaped: Int32 = 0

        var isStream: Bool { requests > 0 && shaped == requests }
    }

    private var current: [UInt64: Tally] = [:]
    private var previous: [UInt64: Tally] = [:]
    /// Stream users and their requests among the end users no longer tracked.
    private var retiredUsers = 0
    private var retiredRequests = 0

    /// End users tracked per generation.
    public static let generation = 2048

    public init() {}

    public mutating func add(endUser: UInt64, shaped: Bool) {
        var tally = current[endUser] ?? previous.removeValue(forKey: endUser) ?? Tally()
        tally.requests += 1
        if shaped { tally.shaped += 1 }
        current[endUser] = tally
        if current.count >= Self.generation {
            for old in previous.values where old.isStream {
                retiredUsers += 1
                retiredRequests += Int(old.requests)
            }
            previous = current
            current = [:]
        }
    }

    /// End users all of whose requests were harvest-shaped.
    public var streamUsers: Int {
        retiredUsers + current.values.reduce(0) { $0 + ($1.isStream ? 1 : 0) }
            + previous.values.reduce(0) { $0 + ($1.isStream ? 1 : 0) }
    }

    /// Requests sent by `streamUsers`.
    public var streamRequests: Int {
        retiredRequests + current.values.reduce(0) { $0 + ($1.isStream ? Int($1.requests) : 0) }
            + previous.values.reduce(0) { $0 + ($1.isStream ? Int($1.requests) : 0) }
    }

    /// Fewer stream users than this are not a stream: a handful of real one-off users may each
    /// have asked one long question with thinking on.
    public static let minimumUsers = 5
}
