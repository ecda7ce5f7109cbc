/// MurmurHash3 x86 32-bit (Austin Appleby's public-domain algorithm), used for feature
/// hashing because it is stable across processes and platforms — unlike Swift's `Hasher`,
/// which is seeded per process and would scramble a saved model's feature slots.
public enum MurmurHash3 {
    /// The 32-bit hash of `bytes` with `seed`.
    public static func hash32(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        let c1: UInt32 = 0xCC9E_2D51, c2: UInt32 = 0x1B87_3593
        var h = seed
        let blockCount = bytes.count / 4
        for block in 0 ..< blockCount {
            var k = bytes.loadUnaligned(fromByteOffset: block * 4, as: UInt32.self).littleEndian
            k &*= c1
            k = (k << 15) | (k >> 17)
            k &*= c2
            h ^= k
            h = (h << 13) | (h >> 19)
            h = h &* 5 &+ 0xE654_6B64
        }
        var tail: UInt32 = 0
        let tailStart = blockCount * 4
        switch bytes.count & 3 {
        case 3:
            tail ^= UInt32(bytes[tailStart + 2]) << 16
            fallthrough
        case 2:
            tail ^= UInt32(bytes[tailStart + 1]) << 8
            fallthrough
        case 1:
            tail ^= UInt32(bytes[tailStart])
            tail &*= c1
            tail = (tail << 15) | (tail >> 17)
            tail &*= c2
            h ^= tail
        default:
            break
        }
        h ^= UInt32(truncatingIfNeeded: bytes.count)
        h ^= h >> 16
        h &*= 0x85EB_CA6B
        h ^= h >> 13
        h &*= 0xC2B2_AE35
        h ^= h >> 16
        return h
    }

    /// The 32-bit hash of a string's UTF-8 bytes.
    public static func hash32(_ text: String, seed: UInt32 = 0) -> UInt32 {
        var copy = text
        return copy.withUTF8 { hash32(UnsafeRawBufferPointer($0), seed: seed) }
    }
}
