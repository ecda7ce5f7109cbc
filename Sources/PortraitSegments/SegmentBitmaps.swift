import PortraitProcessor
import Redis

/// Evaluates a ``SegmentPlan`` on the tag bitmaps, shard by shard, with BITOP into temporary
/// keys (expiring after a minute in case the final DEL never runs): counts stay inside Redis;
/// exports and samples read the result bitmap of one shard (at most 1 MiB).
///
/// NOT is taken within the population (`pop:<shard>`, every user with a profile), so
/// `not x` never counts dense ids that were reserved but never written.
struct SegmentBitmaps {
    let connection: RedisConnection
    /// Makes temporary key names unique to this request.
    let token: String

    /// The shards that may hold users.
    func shards() throws -> ClosedRange<Int64> {
        let lastId = try connection.command("GET", ProfileKeys.nextDenseId).throwIfError().string.flatMap(Int64.init) ?? 0
        return 0...(lastId / ProfileKeys.bitmapShardSize)
    }

    /// The user ids of `denseIds`, in order, in one round trip (ids without a user are left out).
    func userIds(_ denseIds: [Int64]) throws -> [String] {
        guard !denseIds.isEmpty else { return [] }
        let replies = try connection.pipeline(denseIds.map { ["HGET", ProfileKeys.userIds(shard: $0 / ProfileKeys.bitmapShardSize), $0] })
        return try replies.compactMap { try $0.throwIfError().string }
    }

    func count(_ plan: SegmentPlan) throws -> Int64 {
        var total: Int64 = 0
        for shard in try shards() {
            total += try withResult(plan, shard: shard) { key, commands in
                commands.append(["BITCOUNT", key])
                return { replies in replies[0].int ?? 0 }
            }
        }
        return total
    }

    /// The result bitmap of one shard, as bytes (bit 0 is the high bit of byte 0).
    func bits(_ plan: SegmentPlan, shard: Int64) throws -> [UInt8] {
        try withResult(plan, shard: shard) { key, commands in
            commands.append(["GET", key])
            return { replies in replies[0].bytes ?? [] }
        }
    }

    /// Runs the commands that make the plan's bitmap on `shard`, then those `read` appends
    /// (reading the result key), then deletes the temporaries; `read` returns how to turn the
    /// replies of its commands into the answer.
    func withResult<T>(
        _ plan: SegmentPlan, shard: Int64,
        _ read: (String, inout [[any RedisArgument]]) -> ([RedisReply]) -> T
    ) throws -> T {
        let query = ShardQuery(plan, shard: shard, token: token, read)
        return try query.answer(try connection.pipeline(query.commands))
    }
}

/// One pipeline over a shard: the plan's commands, those `read` appends to read the result
/// key, and the deletion of the temporaries; what the blocking and the async bitmaps both send.
package struct ShardQuery<T> {
    package let commands: [[any RedisArgument]]
    private let readReplies: Range<Int>
    private let turn: ([RedisReply]) -> T

    package init(_ plan: SegmentPlan, shard: Int64, token: String, _ read: (String, inout [[any RedisArgument]]) -> ([RedisReply]) -> T) {
        var builder = ShardCommands(shard: shard, prefix: "tmp:segment:\(token):\(shard)")
        let result = builder.emit(plan)
        let first = builder.commands.count
        turn = read(result, &builder.commands)
        readReplies = first..<builder.commands.count
        if !builder.temporaries.isEmpty { builder.commands.append(["DEL"] + builder.temporaries) }
        commands = builder.commands
    }

    /// The answer from the pipeline's replies; any error reply is thrown.
    package func answer(_ replies: [RedisReply]) throws -> T {
        for reply in replies { _ = try reply.throwIfError() }
        return turn(Array(replies[readReplies]))
    }
}

/// The commands that evaluate a plan on one shard.
struct ShardCommands {
    let shard: Int64
    let prefix: String
    var commands: [[any RedisArgument]] = []
    var temporaries: [String] = []

    init(shard: Int64, prefix: String) {
        self.shard = shard
        self.prefix = prefix
    }

    /// Appends the commands for `plan`; returns the key that will hold its bitmap.
    mutating func emit(_ plan: SegmentPlan) -> String {
        switch plan {
        case .bitmap(let tag, let value):
            return ProfileKeys.bitmap(tag: tag, value: value, shard: shard)
        case .population:
            return ProfileKeys.population(shard: shard)
        case .nothing:
            return temporary()  // never written: an empty bitmap
        case .and, .or:
            // One BITOP over every operand of a run of the same operation: a 5,000-item
            // `in [...]` is one BITOP OR of 5,000 keys, not 4,999 BITOPs and their temporaries
            // (that was ~10,000 commands a request, and held /healthz past 1 s under load).
            let isAnd = if case .and = plan { true } else { false }
            let keys = Self.operands(of: plan, and: isAnd).map { emit($0) }
            return bitop(isAnd ? "AND" : "OR", keys)
        case .not(let operand):
            let inner = emit(operand)
            let all = ProfileKeys.population(shard: shard)
            let within = bitop("AND", inner, all)
            commands.append(["BITOP", "XOR", within, within, all])
            return within
        }
    }

    /// A temporary key holding `a AND b` (for callers intersecting with a result).
    mutating func bitop(_ operation: String, _ a: String, _ b: String) -> String {
        bitop(operation, [a, b])
    }

    /// A temporary key holding `operation` over every key of `keys`.
    mutating func bitop(_ operation: String, _ keys: [String]) -> String {
        let key = temporary()
        var command: [any RedisArgument] = ["BITOP", operation, key]
        command.reserveCapacity(3 + keys.count)
        for operand in keys { command.append(operand) }
        commands.append(command)
        commands.append(["PEXPIRE", key, 60_000])
        return key
    }

    /// The operands of `plan`'s top AND (or OR), with nested ANDs (ORs) opened up, left to
    /// right. Iterative: a chain nests as deep as TagLang allows.
    private static func operands(of plan: SegmentPlan, and: Bool) -> [SegmentPlan] {
        var operands: [SegmentPlan] = []
        var pending = [plan]
        while let next = pending.popLast() {
            switch next {
            case .and(let left, let right) where and: pending += [right, left]
            case .or(let left, let right) where !and: pending += [right, left]
            default: operands.append(next)
            }
        }
        return operands
    }

    private mutating func temporary() -> String {
        let key = "\(prefix):\(temporaries.count)"
        temporaries.append(key)
        return key
    }
}
