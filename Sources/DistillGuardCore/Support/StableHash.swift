/// A fast 64-bit hash that is the same on every run and machine (unlike Swift's seeded `Hasher`).
///
/// Used wherever a hash is persisted or compared across processes: duplicate-id filtering,
/// template signatures, deterministic simulation. Based on the wyhash mixing step.
public enum StableHash {
    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    @inline(__always)
    static func load64(_ p: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let p0: UInt64 = 0xa076_1d64_78bd_642f
        let p1: UInt64 = 0xe703_7ed1_a0b4_28db
        var state = seed ^ mix(seed ^ p0, p1)
        var offset = 0
        let count = bytes.count
        while offset + 16 <= count {
            state = mix(load64(bytes, offset) ^ p1, load64(bytes, offset + 8) ^ state)
            offset += 16
        }
        var a: UInt64 = 0
        var b: UInt64 = 0
        var shift: UInt64 = 0
        while offset < count {
            if shift < 64 { a |= UInt64(bytes[offset]) << shift } else { b |= UInt64(bytes[offset]) << (shift - 64) }
            shift += 8
            offset += 1
        }
        return mix(p1 ^ UInt64(count), mix(a ^ p1, b ^ state))
    }

    public static func hash(_ text: String, seed: UInt64 = 0) -> UInt64 {
        var text = text
        return text.withUTF8 { hash(UnsafeRawBufferPointer($0), seed: seed) }
    }

    public static func hash(_ value: UInt64, seed: UInt64 = 0) -> UInt64 {
        mix(value ^ 0xe703_7ed1_a0b4_28db, seed ^ 0xa076_1d64_78bd_642f)
    }
}
