import PortraitProcessor

/// The set bits of one shard's bitmap as global dense ids (bit 0 is the high bit of byte 0).
enum BitmapMembers {
    /// Dense ids set in `bits` from `startOffset` on, at most `limit`, in order.
    static func ids(_ bits: [UInt8], shard: Int64, from startOffset: Int64 = 0, limit: Int = .max) -> [Int64] {
        var ids: [Int64] = []
        let base = shard * ProfileKeys.bitmapShardSize
        var byteIndex = Int(startOffset / 8)
        var mask = UInt8(0x80) >> UInt8(startOffset % 8)
        while byteIndex < bits.count, ids.count < limit {
            let byte = bits[byteIndex]
            if byte != 0 {
                while mask != 0, ids.count < limit {
                    if byte & mask != 0 { ids.append(base + Int64(byteIndex) * 8 + Int64(mask.leadingZeroBitCount)) }
                    mask >>= 1
                }
            }
            byteIndex += 1
            mask = 0x80
        }
        return ids
    }

    /// At most `size` of `ids`, spread evenly over them (all of them when there are few
    /// enough): a deterministic sample, so the same data gives the same portrait.
    static func sample(_ ids: [Int64], size: Int) -> [Int64] {
        guard ids.count > size, size > 0 else { return size > 0 ? ids : [] }
        return (0..<size).map { ids[$0 * ids.count / size] }
    }
}
