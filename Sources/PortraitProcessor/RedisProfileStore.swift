import PortraitCore
import Redis

/// Profiles, engine state, timers and tag bitmaps in Redis (layout in ``ProfileKeys``). Reads
/// are one pipelined round trip each; a flush's write is two per transaction (the fence read,
/// then `MULTI`/`EXEC`, whose answer may be read later). Calls block: the processor makes them
/// from its own threads.
public struct RedisProfileStore: Sendable {
    public let connection: RedisConnection
    /// Where dense ids are handed out and looked up: the live database. A recompute writes a
    /// scratch database but keeps every user's dense id, and takes new ones from the live
    /// counter so ids never collide once the scratch database is swapped in.
    let denseIds: RedisConnection
    /// The state keys lists blobs refer to, read once each.
    let stateKeys = StateKeysDirectory()
    /// A recompute's build keeps its bitmaps here until the end instead of writing them with
    /// each flush. Only for an unfenced write (the scratch database): a fenced flush may leave
    /// out a refused partition's writes after their commands were built.
    var deferredBitmaps: DeferredBitmaps?

    public init(connection: RedisConnection, denseIdsFrom live: RedisConnection? = nil) {
        self.connection = connection
        denseIds = live ?? connection
    }

    /// The stored states of `userIds`, `nil` for users never seen. A state that cannot be
    /// decoded is an error: overwriting it would lose the user's history.
    ///
    /// Each with the metric values and tags Redis holds: from the blob (formats before 6) or
    /// from the profile hash's sections, read in the same round trip and typed by `definitions`
    /// (``ProfileHash/StoredValueTypes``).
    func loadStates(_ userIds: [String], definitions: DefinitionSet? = nil) throws -> [StoredState?] {
        guard !userIds.isEmpty else { return [] }
        let replies = try connection.pipeline { pipe in
            for userId in userIds {
                pipe.append("GET", ProfileKeys.state(userId))
                pipe.append(ProfileHash.valueSectionsCommand(userId))
            }
        }
        let types = ProfileHash.StoredValueTypes(definitions)
        let blobs = try userIds.indices.map { index -> [UInt8]? in
            guard case .bulk(let bytes) = try replies[2 * index].throwIfError() else { return nil }
            return bytes
        }
        let lists = try stateKeys.lists(referencedBy: blobs, current: definitions?.stateKeys, connection: connection)
        return try userIds.indices.map { index in
            guard let bytes = blobs[index] else { return nil }
            let sections = (try replies[2 * index + 1].throwIfError().array ?? []).map(\.bytes)
            let keys = ProfileStateCodec.stateKeysFingerprint(bytes).flatMap { lists[$0] }
            let state = try types.state(blob: bytes, sections: sections, userId: userIds[index], keys: keys)
            return StoredState(state: state, hashIsFlat: !ProfileStateCodec.writesSectionedHash(bytes))
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

    /// Users per `MULTI`/`EXEC` of a flush: Redis runs a transaction without a break, so its
    /// size bounds how long readers wait behind one.
    static let writesPerTransaction = 250

    /// Writes the updates computed for profile `generation`, each under its partition's owner
    /// epoch in `epochs` (none given: no epoch check, for a recompute's scratch database);
    /// returns, per update, whether it was written. Throws ``ProfileGenerationChanged`` when
    /// the database holds another generation (nothing of this batch that came after the switch
    /// was written).
    ///
    /// The fence is optimistic locking instead of a script per user: `WATCH` the generation and
    /// the epochs, read them, and if they are this writer's, apply the writes as plain commands
    /// in `MULTI`/`EXEC`. A processor that takes a partition over counts its epoch up, which
    /// either shows in the read (the writes of that partition are refused) or, if it lands
    /// between the read and `EXEC`, aborts the transaction, which is then tried again.
    func write(_ writes: [ProfileWrite], updatedMs: Int64, generation: Int64 = 0, epochs: [Int32: Int64] = [:]) throws -> [WriteOutcome] {
        var outcomes: [WriteOutcome] = []
        outcomes.reserveCapacity(writes.count)
        for start in stride(from: 0, to: writes.count, by: Self.writesPerTransaction) {
            let chunk = Array(writes[start..<min(start + Self.writesPerTransaction, writes.count)])
            let prepared = prepare(chunk, updatedMs: updatedMs, fenced: !epochs.isEmpty)
            outcomes += try finish(try begin(prepared, generation: generation, epochs: epochs), generation: generation, epochs: epochs)
        }
        return outcomes
    }

    /// Builds a transaction's commands, before its fence is read: a flush lane builds the next
    /// one while Redis runs the one it sent (``begin(_:generation:epochs:)``,
    /// ``finish(_:generation:epochs:)``).
    func prepare(_ writes: [ProfileWrite], updatedMs: Int64, fenced: Bool) -> PreparedTransaction {
        var commands = RESPCommands(capacity: 2_048 * writes.count)
        precondition(deferredBitmaps == nil || !fenced, "bitmaps are deferred only in an unfenced build")
        let pushes = ProfileFlushCommands.append(writes, updatedMs: updatedMs, bitmaps: deferredBitmaps, to: &commands)
        return PreparedTransaction(
            writes: writes, updatedMs: updatedMs, commands: commands, pushes: pushes, partitions: fenced ? Set(writes.map(\.partition)).sorted() : [])
    }

    /// Reads the fence (`WATCH`ed) and, where this writer still holds it, sends the writes in
    /// `MULTI`/`EXEC` without waiting for them to run. The writes of a partition another
    /// processor took over are refused (their commands are built again without them).
    func begin(_ prepared: PreparedTransaction, generation: Int64, epochs: [Int32: Int64]) throws -> SentTransaction {
        let watched: [any RedisArgument] = [ProfileKeys.generation] + prepared.partitions.map { ProfileKeys.ownerEpoch(partition: $0) }
        let read = try connection.pipeline([["WATCH"] + watched, ["MGET"] + watched])
        let values = try read[1].throwIfError().array ?? []
        guard values.count == watched.count, (values[0].int ?? 0) == generation else {
            _ = try connection.command("UNWATCH")
            throw ProfileGenerationChanged()
        }
        var lost: Set<Int32> = []
        for (index, partition) in prepared.partitions.enumerated() where values[index + 1].int != epochs[partition] { lost.insert(partition) }
        var sent = SentTransaction(prepared: prepared, outcomes: Array(repeating: .written, count: prepared.writes.count), queued: nil, pushes: prepared.pushes)
        var commands = prepared.commands
        if !lost.isEmpty {
            let kept = prepared.writes.indices.filter { !lost.contains(prepared.writes[$0].partition) }
            for index in prepared.writes.indices where lost.contains(prepared.writes[index].partition) { sent.outcomes[index] = .notOwner }
            guard !kept.isEmpty else {
                _ = try connection.command("UNWATCH")
                return sent
            }
            commands = RESPCommands(capacity: 2_048 * kept.count)
            sent.pushes = ProfileFlushCommands.append(prepared.writes, only: kept, updatedMs: prepared.updatedMs, to: &commands)
        }
        sent.queued = try connection.send { pipe in
            pipe.append("MULTI")
            pipe.append(encoded: commands)
            pipe.append("EXEC")
        } - 2
        return sent
    }

    /// Waits for a transaction ``begin(_:generation:epochs:)`` sent; per write, whether it was
    /// written. One a watched key aborted (an epoch moved between the read and `EXEC`) is
    /// begun again: the epochs are read anew.
    func finish(_ sent: SentTransaction, generation: Int64, epochs: [Int32: Int64]) throws -> [WriteOutcome] {
        guard let queued = sent.queued else { return sent.outcomes }
        let (outcome, lengths) = try connection.receiveTransaction(queued: queued, integersAt: sent.pushes.map(\.command))
        switch outcome {
        case .committed:
            try trimOverlongLists(sent.pushes, lengths: lengths)
            return sent.outcomes
        case .aborted: return try finish(try begin(sent.prepared, generation: generation, epochs: epochs), generation: generation, epochs: epochs)
        case .failed(let message), .refused(let message): throw RedisError.server(message)
        }
    }

    /// Trims the lists a committed transaction's pushes grew past their limits (their
    /// `LPUSH`es answered `lengths`), in one round trip, none when there are none. Safe
    /// whoever owns the user now: it only drops entries past the limit, which readers of these
    /// lists never read (``ListPush``).
    private func trimOverlongLists(_ pushes: [ListPush], lengths: [Int64?]) throws {
        var commands = RESPCommands()
        for (push, length) in zip(pushes, lengths) where (length ?? 0) > Int64(push.limit) {
            ProfileFlushCommands.appendTrim(push.key, limit: push.limit, to: &commands)
        }
        guard commands.count > 0 else { return }
        for reply in try connection.pipeline({ pipe in pipe.append(encoded: commands) }) { _ = try reply.throwIfError() }
    }

    /// Every timer of `partition` (a processor taking the partition over holds them in memory).
    func allTimers(partition: Int32) throws -> [(userId: String, timeMs: Int64)] {
        var timers: [(userId: String, timeMs: Int64)] = []
        var start = 0
        while true {
            let reply = try connection.command("ZRANGE", ProfileKeys.timers(partition: partition), start, start + 9_999, "WITHSCORES")
            let items = reply.array ?? []
            for index in stride(from: 0, to: items.count - 1, by: 2) {
                guard let user = items[index].string, let score = items[index + 1].string.flatMap(Double.init) else { continue }
                timers.append((user, Int64(score)))
            }
            if items.count < 20_000 { return timers }
            start += 10_000
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

    /// The stored profile hash of one user in the flat form (``ProfileHash/flatFields(_:)``);
    /// empty when unknown.
    public func profile(_ userId: String) throws -> [String: String] {
        try profiles([userId])[0]
    }

    /// The stored profile hashes of `userIds` in the flat form, in order (empty when unknown), in
    /// one round trip; several in one transaction, so all come from one generation
    /// (docs/RECOMPUTE.md).
    public func profiles(_ userIds: [String]) throws -> [[String: String]] {
        guard !userIds.isEmpty else { return [] }
        let commands: [[any RedisArgument]] = userIds.map { ["HGETALL", ProfileKeys.profile($0)] }
        let replies = userIds.count == 1 ? try connection.pipeline(commands) : try connection.transaction(commands)
        return try replies.map { ProfileHash.flatFields(try $0.throwIfError().hashFields) }
    }

    /// The stored state of one user, for `--dry-run` and explanations.
    public func state(_ userId: String) throws -> ProfileState? {
        try loadStates([userId]).first??.state
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

/// What a flush did with one profile update.
enum WriteOutcome: Equatable {
    case written
    /// Another processor has taken the user's partition over since this one took it.
    case notOwner
}

/// The database was swapped to another profile generation while a batch was being written.
public struct ProfileGenerationChanged: Error, CustomStringConvertible {
    public var description: String { "the profile generation changed (a recompute was swapped in)" }
}

/// A user's state as Redis holds it, and whether the profile hash beside it still has the flat
/// layout of before 2026-12-07 (its next write replaces that: ``ProfileHash``).
struct StoredState {
    var state: ProfileState
    var hashIsFlat: Bool
}
