/// A near-duplicate signature of a prompt skeleton: MinHash over token trigrams, cut into LSH bands.
///
/// Linear in prompt length. Two prompts from one template share most bigrams of their fixed text
/// (slots are masked in the skeleton), so they agree on many MinHash values and collide in
/// several bands, even after slot filling and light paraphrase; unrelated prompts that merely share
/// common word pairs do not.
public struct TemplateSignature: Sendable, Equatable {
    public static let hashCount = 24
    public static let rowsPerBand = 2
    public static let bandCount = hashCount / rowsPerBand

    /// One key per band; equal keys in any band make two prompts candidates for one template.
    public var bands: [UInt64]
    /// Hash of the whole skeleton: exact repeats of one prompt shape.
    public var exact: UInt64
    /// Hashes of the first and last `anchorTokens` skeleton tokens, for prompts long enough that
    /// these leave room for slot content. Templates keep their fixed instruction at the start or
    /// the end, so prompts that share an anchor share a template however long the slot between.
    public var head: UInt64?
    public var tail: UInt64?

    public static let anchorTokens = 8

    /// A signature as stored (`FeatureRow`).
    init(bands: [UInt64], exact: UInt64, head: UInt64?, tail: UInt64?) {
        self.bands = bands
        self.exact = exact
        self.head = head
        self.tail = tail
    }

    public init(_ skeleton: PromptSkeleton) {
        let tokens = skeleton.tokenHashes
        var minimums = [UInt64](repeating: .max, count: Self.hashCount)
        if tokens.count < 3 {
            let only = tokens.reduce(0x51_7CC1_B727_220A) { StableHash.hash($1, seed: $0) }
            for i in 0..<Self.hashCount { minimums[i] = StableHash.hash(only, seed: UInt64(i)) }
        } else {
            // One multiply-xorshift per hash function keeps this linear and cheap; on raw buffers
            // the inner loop has no bounds checks and is vectorized.
            let seeds = Self.seeds
            tokens.withUnsafeBufferPointer { tokens in
                seeds.withUnsafeBufferPointer { seeds in
                    minimums.withUnsafeMutableBufferPointer { minimums in
                        for position in 2..<tokens.count {
                            let shingle =
                                (tokens[position - 2] &* 0x9E37_79B9_7F4A_7C15 ^ tokens[position - 1]) &* 0xC2B2_AE3D_27D4_EB4F
                                ^ tokens[position]
                            for i in 0..<Self.hashCount {
                                var h = shingle ^ seeds[i]
                                h = (h ^ (h >> 31)) &* 0xBF58_476D_1CE4_E5B9
                                h ^= h >> 29
                                minimums[i] = min(minimums[i], h)
                            }
                        }
                    }
                }
            }
        }
        var bands: [UInt64] = []
        bands.reserveCapacity(Self.bandCount)
        for band in 0..<Self.bandCount {
            var key = UInt64(band) &* 0x100_0000_01B3
            for row in 0..<Self.rowsPerBand { key = StableHash.hash(minimums[band * Self.rowsPerBand + row], seed: key) }
            bands.append(key)
        }
        self.bands = bands
        var exact: UInt64 = 0x1234_5678
        for token in tokens { exact = StableHash.hash(token, seed: exact) }
        self.exact = exact
        if tokens.count >= Self.anchorTokens + 2 {
            head = tokens.prefix(Self.anchorTokens).reduce(0x4EAD) { StableHash.hash($1, seed: $0) }
            tail = tokens.suffix(Self.anchorTokens).reduce(0x7A11) { StableHash.hash($1, seed: $0) }
        }
    }

    static let seeds: [UInt64] = (0..<UInt64(hashCount)).map { StableHash.hash($0, seed: 0xD157_1115) }
}
