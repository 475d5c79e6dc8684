/// Token buckets keyed by rule and subject (an account, cluster or template), in bounded memory.
///
/// Each bucket holds up to one minute's allowance and refills continuously. Requests take one
/// request token when they are let through; model tokens are charged after the response, when
/// usage is known, so a bucket can go below zero and then holds the next request back until it
/// has refilled. Time is passed in (seconds), so behaviour is testable without a clock.
public struct TokenBuckets: Sendable {
    struct Bucket: Sendable {
        var level: Double
        var updated: Double
    }

    private var buckets: [String: Bucket] = [:]
    let capacity: Int

    public init(capacity: Int = 200_000) {
        self.capacity = capacity
    }

    public var count: Int { buckets.count }

    /// Seconds until `cost` can be taken from a bucket of `perMinute`, or nil when it is available now
    /// (and then it is taken when `take` is true).
    public mutating func wait(_ key: String, perMinute: Double, cost: Double, take: Bool, now: Double) -> Double? {
        var bucket = refilled(key, perMinute: perMinute, now: now)
        let needed = min(cost, perMinute)
        if bucket.level < needed {
            buckets[key] = bucket
            return (needed - bucket.level) / perMinute * 60
        }
        if take { bucket.level -= cost }
        store(key, bucket, now: now)
        return nil
    }

    /// Charges `cost` after the fact (tokens used by a response); the level may go negative.
    public mutating func charge(_ key: String, perMinute: Double, cost: Double, now: Double) {
        var bucket = refilled(key, perMinute: perMinute, now: now)
        bucket.level -= cost
        store(key, bucket, now: now)
    }

    private func refilled(_ key: String, perMinute: Double, now: Double) -> Bucket {
        guard var bucket = buckets[key] else { return Bucket(level: perMinute, updated: now) }
        bucket.level = min(perMinute, bucket.level + max(0, now - bucket.updated) * perMinute / 60)
        bucket.updated = now
        return bucket
    }

    /// Buckets idle for over a minute are full again and carry no state; they are dropped when the map is full.
    private mutating func store(_ key: String, _ bucket: Bucket, now: Double) {
        buckets[key] = bucket
        if buckets.count > capacity { buckets = buckets.filter { now - $0.value.updated < 60 } }
    }
}
