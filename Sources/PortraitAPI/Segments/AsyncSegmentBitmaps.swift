import PortraitProcessor
import PortraitSegments
import Redis

/// ``SegmentBitmaps`` on the non-blocking ``RedisClient``, for the request path: the same
/// commands (built by ``ShardCommands``), sent without holding a thread. ``SegmentBitmaps``
/// stays for ``SavedSegmentSizer``, which the scheduler's job runs on blocking connections.
struct AsyncSegmentBitmaps {
    let redis: RedisClient
    /// Makes temporary key names unique to this request.
    let token: String

    /// The shards that may hold users.
    func shards() async throws -> ClosedRange<Int64> {
        let lastId = try await redis.command("GET", ProfileKeys.nextDenseId).string.flatMap(Int64.init) ?? 0
        return 0...(lastId / ProfileKeys.bitmapShardSize)
    }

    /// The user ids of `denseIds`, in order, in one round trip (ids without a user are left out).
    func userIds(_ denseIds: [Int64]) async throws -> [String] {
        guard !denseIds.isEmpty else { return [] }
        let replies = try await redis.pipeline(denseIds.map { ["HGET", ProfileKeys.userIds(shard: $0 / ProfileKeys.bitmapShardSize), $0] })
        return try replies.compactMap { try $0.throwIfError().string }
    }

    func count(_ plan: SegmentPlan) async throws -> Int64 {
        var total: Int64 = 0
        for shard in try await shards() {
            total += try await withResult(plan, shard: shard) { key, commands in
                commands.append(["BITCOUNT", key])
                return { replies in replies[0].int ?? 0 }
            }
        }
        return total
    }

    /// The result bitmap of one shard, as bytes (bit 0 is the high bit of byte 0).
    func bits(_ plan: SegmentPlan, shard: Int64) async throws -> [UInt8] {
        try await withResult(plan, shard: shard) { key, commands in
            commands.append(["GET", key])
            return { replies in replies[0].bytes ?? [] }
        }
    }

    /// As ``SegmentBitmaps/withResult(_:shard:_:)``: the plan's commands, those `read` appends,
    /// then the deletion of the temporaries, in one pipeline.
    func withResult<T>(
        _ plan: SegmentPlan, shard: Int64,
        _ read: (String, inout [[any RedisArgument]]) -> ([RedisReply]) -> T
    ) async throws -> T {
        let query = ShardQuery(plan, shard: shard, token: token, read)
        return try query.answer(try await redis.pipeline(query.commands))
    }
}
