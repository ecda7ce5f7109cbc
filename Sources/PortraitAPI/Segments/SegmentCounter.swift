import PortraitProcessor
import Redis

/// Counts the users of a ``SegmentPlan`` on the tag bitmaps, shard by shard, with BITOP into
/// temporary keys and BITCOUNT: one pipelined round trip per shard, nothing copied out of Redis.
///
/// NOT is taken within the users that exist (dense ids 1…`ids:next`): the "universe" bitmap
/// is made in Redis by SETBIT at its last bit, BITOP NOT (all ones) and clearing the bits
/// outside the range; then `not x` = universe XOR (x AND universe).
struct SegmentCounter {
    let connection: RedisConnection
    /// Makes temporary key names unique to this count.
    let token: String

    func count(_ plan: SegmentPlan) throws -> Int64 {
        let lastId = try connection.command("GET", ProfileKeys.nextDenseId).throwIfError().string.flatMap(Int64.init) ?? 0
        var total: Int64 = 0
        for shard in 0...(lastId / ProfileKeys.bitmapShardSize) {
            total += try count(plan, shard: shard, lastId: lastId)
        }
        return total
    }

    private func count(_ plan: SegmentPlan, shard: Int64, lastId: Int64) throws -> Int64 {
        var builder = ShardCommands(shard: shard, prefix: "tmp:segment:\(token):\(shard)")
        let result = builder.emit(plan, lastId: lastId)
        builder.commands.append(["BITCOUNT", result])
        let countIndex = builder.commands.count - 1
        if !builder.temporaries.isEmpty { builder.commands.append(["DEL"] + builder.temporaries) }
        let replies = try connection.pipeline(builder.commands)
        for reply in replies { _ = try reply.throwIfError() }
        return replies[countIndex].int ?? 0
    }
}

/// The commands that evaluate a plan on one shard; temporary keys expire after a minute in
/// case the final DEL never runs.
private struct ShardCommands {
    let shard: Int64
    let prefix: String
    var commands: [[any RedisArgument]] = []
    var temporaries: [String] = []
    private var universe: String?

    init(shard: Int64, prefix: String) {
        self.shard = shard
        self.prefix = prefix
    }

    mutating func emit(_ plan: SegmentPlan, lastId: Int64) -> String {
        switch plan {
        case .bitmap(let tag, let value):
            return ProfileKeys.bitmap(tag: tag, value: value, shard: shard)
        case .nothing:
            return temporary()  // never written: an empty bitmap
        case .and(let left, let right):
            let (a, b) = (emit(left, lastId: lastId), emit(right, lastId: lastId))
            return bitop("AND", a, b)
        case .or(let left, let right):
            let (a, b) = (emit(left, lastId: lastId), emit(right, lastId: lastId))
            return bitop("OR", a, b)
        case .not(let operand):
            let inner = emit(operand, lastId: lastId)
            let all = universeKey(lastId: lastId)
            let within = bitop("AND", inner, all)
            commands.append(["BITOP", "XOR", within, within, all])
            return within
        }
    }

    private mutating func bitop(_ operation: String, _ a: String, _ b: String) -> String {
        let key = temporary()
        commands.append(["BITOP", operation, key, a, b])
        commands.append(["PEXPIRE", key, 60_000])
        return key
    }

    private mutating func temporary() -> String {
        let key = "\(prefix):\(temporaries.count)"
        temporaries.append(key)
        return key
    }

    /// Bits of the existing dense ids of this shard, made once per shard.
    private mutating func universeKey(lastId: Int64) -> String {
        if let universe { return universe }
        let key = temporary()
        universe = key
        let size = ProfileKeys.bitmapShardSize
        let first = max(1, shard * size) - shard * size
        let last = min(lastId, (shard + 1) * size - 1) - shard * size
        guard last >= first else { return key }  // no users here: the key stays empty
        commands.append(["SETBIT", key, last, 0])
        commands.append(["BITOP", "NOT", key, key])
        commands.append(["PEXPIRE", key, 60_000])
        for bit in stride(from: last + 1, to: (last / 8 + 1) * 8, by: 1) { commands.append(["SETBIT", key, bit, 0]) }
        for bit in 0..<first { commands.append(["SETBIT", key, bit, 0]) }
        return key
    }
}
