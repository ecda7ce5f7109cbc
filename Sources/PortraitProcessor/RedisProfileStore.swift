import PortraitCore
import Redis

/// Profiles, engine state, timers and tag bitmaps in Redis (layout in ``ProfileKeys``). Every
/// call is one pipelined round trip; the processor calls it from its own thread.
public struct RedisProfileStore: Sendable {
    public let connection: RedisConnection
    /// Where dense ids are handed out and looked up: the live database. A recompute writes a
    /// scratch database but keeps every user's dense id, and takes new ones from the live
    /// counter so ids never collide once the scratch database is swapped in.
    let denseIds: RedisConnection

    public init(connection: RedisConnection, denseIdsFrom live: RedisConnection? = nil) {
        self.connection = connection
        denseIds = live ?? connection
    }

    /// The stored states of `userIds`, `nil` for users never seen. A state that cannot be
    /// decoded is an error: overwriting it would lose the user's history.
    func loadStates(_ userIds: [String]) throws -> [ProfileState?] {
        guard !userIds.isEmpty else { return [] }
        let replies = try connection.pipeline { pipe in
            for userId in userIds { pipe.append("GET", ProfileKeys.state(userId)) }
        }
        return try zip(userIds, replies).map { userId, reply in
            switch try reply.throwIfError() {
            case .bulk(let bytes): return try ProfileStateCodec.decode(bytes, userId: userId)
            default: return nil
            }
        }
    }

    /// Reserves `count` dense ids; returns the first. Ids burnt by a crash before their
    /// profile was written are simply never used.
    func reserveDenseIds(_ count: Int) throws -> Int64 {
        let reply = try denseIds.command("INCRBY", ProfileKeys.nextDenseId, count)
        guard let last = reply.int else { throw RedisError.unexpectedReply(expected: "integer", got: reply.description) }
        return last - Int64(count) + 1
    }

    /// The dense ids the live database already gave `userIds` (only when writing elsewhere:
    /// a recompute keeps each user's id; a processor's own new users have none yet).
    func existingDenseIds(_ userIds: [String]) throws -> [String: Int64] {
        guard denseIds !== connection, !userIds.isEmpty else { return [:] }
        let replies = try denseIds.pipeline { pipe in
            for userId in userIds { pipe.append("HGET", ProfileKeys.profile(userId), "_id") }
        }
        var found: [String: Int64] = [:]
        for (userId, reply) in zip(userIds, replies) {
            if let id = try reply.throwIfError().string.flatMap(Int64.init) { found[userId] = id }
        }
        return found
    }

    /// Takes ownership of `partitions`: counts each one's owner epoch up and returns the new
    /// epochs, which this processor's writes then carry. Any earlier owner's writes are refused
    /// from here on.
    func takeOwnership(of partitions: [Int32]) throws -> [Int32: Int64] {
        guard !partitions.isEmpty else { return [:] }
        let replies = try connection.pipeline { pipe in
            for partition in partitions { pipe.append("INCR", ProfileKeys.ownerEpoch(partition: partition)) }
        }
        var epochs: [Int32: Int64] = [:]
        for (partition, reply) in zip(partitions, replies) {
            guard let epoch = try reply.throwIfError().int else { throw RedisError.unexpectedReply(expected: "integer", got: reply.description) }
            epochs[partition] = epoch
        }
        return epochs
    }

    /// Writes the updates computed for profile `generation`, each under its partition's owner
    /// epoch in `epochs` (none given: no epoch check, for a recompute's scratch database);
    /// returns, per update, what the script answered. Throws ``ProfileGenerationChanged`` when
    /// the database holds another generation (nothing of this batch that came after the switch
    /// was written).
    func write(_ writes: [ProfileWrite], updatedMs: Int64, generation: Int64 = 0, epochs: [Int32: Int64] = [:]) throws -> [WriteOutcome] {
        guard !writes.isEmpty else { return [] }
        var sha = try connection.prepare(ProfileWriteScript.script)
        for attempt in 0..<2 {
            let replies = try connection.pipeline { pipe in
                for write in writes {
                    let epoch = epochs.isEmpty ? "" : epochs[write.partition].map(String.init) ?? "none"
                    pipe.append(Self.command(write, sha: sha, updatedMs: updatedMs, generation: generation, epoch: epoch))
                }
            }
            if attempt == 0, replies.contains(where: { if case .error(let text) = $0 { text.hasPrefix("NOSCRIPT") } else { false } }) {
                sha = try connection.reload(ProfileWriteScript.script)  // Redis restarted: every write of this batch failed alike
                continue
            }
            let results = try replies.map { try $0.throwIfError().int ?? 0 }
            if results.contains(-1) { throw ProfileGenerationChanged() }
            return results.map { $0 == 1 ? .written : $0 == -2 ? .notOwner : .fenced }
        }
        return []
    }

    static func command(_ write: ProfileWrite, sha: String, updatedMs: Int64, generation: Int64, epoch: String) -> [any RedisArgument] {
        let shard = write.denseId / ProfileKeys.bitmapShardSize
        var keys: [any RedisArgument] = [
            ProfileKeys.profile(write.userId), ProfileKeys.state(write.userId), ProfileKeys.timers(partition: write.partition),
            ProfileKeys.users(partition: write.partition), ProfileKeys.userIds(shard: shard), ProfileKeys.population(shard: shard),
            ProfileKeys.recentEvents(write.userId), ProfileKeys.tagHistory(write.userId), ProfileKeys.metricHistory(write.userId),
            ProfileKeys.generation, ProfileKeys.ownerEpoch(partition: write.partition),
        ]
        var arguments: [any RedisArgument] = [
            write.userId, write.denseId, write.state, write.timerMs.map(String.init) ?? "", updatedMs,
            write.denseId % ProfileKeys.bitmapShardSize, generation, epoch,
        ]
        arguments.append(write.fences.count)
        for fence in write.fences { arguments.append(fence.field); arguments.append(fence.offset) }
        arguments.append(write.sets.count)
        for set in write.sets { arguments.append(set.field); arguments.append(set.value) }
        arguments.append(write.deletes.count)
        for field in write.deletes { arguments.append(field) }
        arguments.append(write.events.count)
        for event in write.events { arguments.append(event) }
        arguments.append(write.tagChanges.count)
        for change in write.tagChanges { arguments.append(change) }
        arguments.append(write.metricChange ?? "")
        arguments.append(write.bits.count)
        for bit in write.bits {
            keys.append(bit.key)
            arguments.append(bit.bit)
        }
        for tagValue in write.tagValues {
            keys.append(ProfileKeys.tagValues(tagValue.tag))
            arguments.append(tagValue.value)
        }
        return ["EVALSHA", sha, keys.count] + keys + arguments
    }

    /// Users of `partition` whose timer is due at or before `timeMs`, oldest first.
    func dueTimers(partition: Int32, upTo timeMs: Int64, limit: Int) throws -> [(userId: String, timeMs: Int64)] {
        let reply = try connection.command("ZRANGEBYSCORE", ProfileKeys.timers(partition: partition), "-inf", timeMs, "WITHSCORES", "LIMIT", 0, limit)
        let items = reply.array ?? []
        return stride(from: 0, to: items.count - 1, by: 2).compactMap { index in
            guard let user = items[index].string, let score = items[index + 1].string.flatMap(Double.init) else { return nil }
            return (user, Int64(score))
        }
    }

    /// One page of the users `partition` has seen; a returned cursor of "0" ends the scan.
    func users(partition: Int32, cursor: String, count: Int = 500) throws -> (cursor: String, users: [String]) {
        let reply = try connection.command("SSCAN", ProfileKeys.users(partition: partition), cursor, "COUNT", count)
        guard let parts = reply.array, parts.count == 2, let next = parts[0].string else {
            throw RedisError.unexpectedReply(expected: "SSCAN cursor and page", got: reply.description)
        }
        return (next, (parts[1].array ?? []).compactMap(\.string))
    }

    /// The stored profile hash of one user (empty when unknown).
    public func profile(_ userId: String) throws -> [String: String] {
        try profiles([userId])[0]
    }

    /// The stored profile hashes of `userIds`, in order (empty when unknown), in one round trip;
    /// several in one transaction, so all come from one generation (docs/RECOMPUTE.md).
    public func profiles(_ userIds: [String]) throws -> [[String: String]] {
        guard !userIds.isEmpty else { return [] }
        let commands: [[any RedisArgument]] = userIds.map { ["HGETALL", ProfileKeys.profile($0)] }
        let replies = userIds.count == 1 ? try connection.pipeline(commands) : try connection.transaction(commands)
        return try replies.map { try $0.throwIfError().hashFields }
    }

    /// The stored state of one user, for `--dry-run` and explanations.
    public func state(_ userId: String) throws -> ProfileState? {
        try loadStates([userId]).first ?? nil
    }

    /// The profile generation this database holds.
    public func generation() throws -> Int64 {
        try connection.command("GET", ProfileKeys.generation).string.flatMap(Int64.init) ?? 0
    }

    /// Where generation `generation()` was computed up to, by `topic/partition`.
    func switchOffsets() throws -> [String: Int64] {
        try connection.command("HGETALL", ProfileKeys.generationSwitch).hashFields.compactMapValues(Int64.init)
    }

    /// Which of `fields` (`group/topic/partition`) have already been rewound to the switch point.
    func adopted(_ fields: [String]) throws -> [Bool] {
        guard !fields.isEmpty else { return [] }
        let reply = try connection.command(["HMGET", ProfileKeys.generationAdopted] + fields)
        return (reply.array ?? []).map { $0.string != nil }
    }

    func markAdopted(_ fields: [String]) throws {
        guard !fields.isEmpty else { return }
        _ = try connection.command(["HSET", ProfileKeys.generationAdopted] + fields.flatMap { [$0, "1"] })
    }

    /// Records that this processor applied `version` of a definition at these input offsets.
    func recordApplied(_ entries: [String: String]) throws {
        guard !entries.isEmpty else { return }
        var arguments: [any RedisArgument] = ["HSET", ProfileKeys.appliedDefinitions]
        for (field, value) in entries.sorted(by: { $0.key < $1.key }) { arguments.append(field); arguments.append(value) }
        _ = try connection.command(arguments)
    }
}

/// What the write script did with one profile update.
enum WriteOutcome: Equatable {
    case written
    /// The input was applied already (a replay after a crash or by a previous owner).
    case fenced
    /// Another processor has taken the user's partition over since this one took it.
    case notOwner
}

/// The database was swapped to another profile generation while a batch was being written.
public struct ProfileGenerationChanged: Error, CustomStringConvertible {
    public var description: String { "the profile generation changed (a recompute was swapped in)" }
}
