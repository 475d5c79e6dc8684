/// Remembers which event ids have been seen, in 16 bytes per id whatever the id's length.
///
/// Ids are reduced to a 128-bit fingerprint (two independent 64-bit hashes), so the chance that two
/// different ids collide in a log of a billion events is below 10⁻²⁰.
public struct DuplicateFilter: Sendable {
    struct Fingerprint: Hashable, Sendable {
        var high: UInt64
        var low: UInt64
    }

    private var seen: Set<Fingerprint> = []

    public init() {}

    public var count: Int { seen.count }

    /// Records `id`; returns false when it was already seen.
    public mutating func insert(_ id: String) -> Bool {
        var id = id
        let fingerprint = id.withUTF8 { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            return Fingerprint(high: StableHash.hash(raw, seed: 0x5eed_0001), low: StableHash.hash(raw, seed: 0x5eed_0002))
        }
        return seen.insert(fingerprint).inserted
    }
}
