import Redis
import Synchronization

/// A recompute's tag and population bitmaps, built in memory by every worker's flushes and
/// written once at the end of the build: one `SET` per bitmap instead of one `BITFIELD` per
/// bitmap per flush.
///
/// Every user's first write sets ~a bit per tag, and as `BITFIELD … SET u1 <offset> <bit>`
/// that was a quarter of the bytes a recompute sent Redis (36 per bit, parsed, executed and
/// appended to the AOF one by one). Nothing reads the scratch database before the switch, and
/// only the recompute writes it, so the bitmaps need not be there earlier. The bytes written
/// are the ones the `BITFIELD`s would have left: Redis grows a bitmap to the byte of the highest
/// offset set (to 1 or 0), and so does this.
///
/// Memory: one bit per user per bitmap (1M users and 56 bitmaps: 7 MB).
final class DeferredBitmaps: Sendable {
    private let bitmaps = Mutex<[String: [UInt8]]>([:])

    init() {}

    /// Applies a flush's bit changes, each bitmap's in the order given.
    func apply(_ changes: [String: [(offset: Int64, bit: Int)]]) {
        bitmaps.withLock { bitmaps in
            for (key, operations) in changes { Self.apply(operations, to: &bitmaps[key, default: []]) }
        }
    }

    /// Bit 0 is the most significant bit of byte 0, as in Redis.
    private static func apply(_ operations: [(offset: Int64, bit: Int)], to bytes: inout [UInt8]) {
        for operation in operations {
            let index = Int(operation.offset >> 3)
            if index >= bytes.count { bytes.append(contentsOf: repeatElement(0, count: index + 1 - bytes.count)) }
            let mask = UInt8(0x80) >> UInt8(operation.offset & 7)
            if operation.bit != 0 { bytes[index] |= mask } else { bytes[index] &= ~mask }
        }
    }

    /// The bitmaps built so far, by key.
    var contents: [String: [UInt8]] { bitmaps.withLock { $0 } }

    /// Writes every bitmap (replacing what the key held: the scratch database starts empty and
    /// only the build writes it), a few per round trip (each is at most 1 MiB, a shard).
    func write(to connection: RedisConnection) throws {
        let all = contents.sorted { $0.key < $1.key }
        for start in stride(from: 0, to: all.count, by: 16) {
            let replies = try connection.pipeline { pipe in
                for (key, bytes) in all[start..<min(start + 16, all.count)] { pipe.append("SET", key, bytes) }
            }
            for reply in replies { _ = try reply.throwIfError() }
        }
    }
}
