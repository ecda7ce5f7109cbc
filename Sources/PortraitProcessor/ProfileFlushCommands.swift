import PortraitCore
import Redis

/// The plain Redis commands that apply a batch of profile writes, encoded inside the flush's
/// `MULTI`/`EXEC` (``RedisProfileStore/write(_:updatedMs:generation:epochs:)``).
///
/// Per user, only keys under the user's hash tag: the changed sections of the profile hash
/// (``ProfileHash``) and model outputs, the state blob,
/// and one `LPUSH` of one entry per behaviour list (one per event for the recent events). Once per transaction, the state keys its blobs refer to
/// (``StateKeys``, `SET NX`). Keys shared by many users are written once per batch,
/// whatever the number of users: one `ZADD`/`ZREM` of timers and one `SADD` of users per
/// partition, one `BITFIELD` per bitmap shard (tag bitmaps and the population), one `HSET` of
/// dense ids per shard, one `SADD` per enumerated tag's values. That grouping is what makes a
/// flush cost a few commands per user instead of the ~40 a per-user script ran.
///
/// Commands go straight into bytes (``RESPCommands``): field names, values and behaviour
/// records are never gathered into argument arrays first.
enum ProfileFlushCommands {
    /// The commands of `writes[i]` for each `i` of `only` (all of them by default). Each write
    /// is read in place, through a pointer: iterating, a `let` of the element, or passing it,
    /// copied it, retaining (and then releasing) its dozen buffers.
    ///
    /// With `bitmaps` (a recompute's build), bit changes go there instead of into `BITFIELD`s.
    ///
    /// Returns the behaviour lists pushed to (trimmed once their length is known: ``ListPush``).
    @discardableResult
    static func append(_ writes: [ProfileWrite], only: [Int]? = nil, updatedMs: Int64, bitmaps: DeferredBitmaps? = nil, to commands: inout RESPCommands) -> [ListPush] {
        var shared = SharedKeyCommands()
        var pushes: [ListPush] = []
        writes.withUnsafeBufferPointer { writes in
            for index in only ?? Array(writes.indices) {
                let write = writes.baseAddress! + index  // passed as a value, even from the buffer, it was copied
                shared.add(write, to: &commands)
                appendUserCommands(write, updatedMs: updatedMs, to: &commands, pushes: &pushes)
            }
        }
        if let bitmaps {
            bitmaps.apply(shared.bitfields)
            shared.bitfields = [:]
        }
        shared.append(to: &commands)
        return pushes
    }

    /// The writes of a transaction to keys many users share, gathered per key and written once.
    private struct SharedKeyCommands {
        var timersSet: [Int32: [(timeMs: Int64, userId: String)]] = [:]
        var timersRemoved: [Int32: [String]] = [:]
        var newUsers: [Int32: [String]] = [:]
        var idNames: [Int64: [(denseId: Int64, userId: String)]] = [:]
        var bitfields: [String: [(offset: Int64, bit: Int)]] = [:]
        var tagValues: [String: Set<String>] = [:]
        var stateKeys: [StateKeys] = []  // one per definition set, so nearly always one

        /// Gathers what `write` changes in shared keys; the state keys list its blob refers to
        /// goes out at once, before the blob.
        mutating func add(_ write: UnsafePointer<ProfileWrite>, to commands: inout RESPCommands) {
            if !stateKeys.contains(where: { $0 === write.pointee.stateKeys || $0.fingerprint == write.pointee.stateKeys.fingerprint }) {
                stateKeys.append(write.pointee.stateKeys)
                // Before the first blob that refers to them, in the same transaction: no reader
                // finds a blob whose keys are not stored. `NX`: the same list is written once,
                // and a no-op `SET` is not appended to the AOF.
                commands.command(arguments: 4)
                commands.argument("SET")
                commands.argument(ProfileKeys.stateKeys(write.pointee.stateKeys.fingerprint))
                commands.argument(write.pointee.stateKeys.text)
                commands.argument("NX")
            }
            if write.pointee.timerChanged {
                if let timer = write.pointee.timerMs {
                    timersSet[write.pointee.partition, default: []].append((timer, write.pointee.userId))
                } else {
                    timersRemoved[write.pointee.partition, default: []].append(write.pointee.userId)
                }
            }
            let shard = write.pointee.denseId / ProfileKeys.bitmapShardSize
            if write.pointee.isFirstWrite {
                newUsers[write.pointee.partition, default: []].append(write.pointee.userId)
                idNames[shard, default: []].append((write.pointee.denseId, write.pointee.userId))
                bitfields[ProfileKeys.population(shard: shard), default: []].append((write.pointee.denseId % ProfileKeys.bitmapShardSize, 1))
            }
            for change in write.pointee.bits { bitfields[change.key, default: []].append((change.offset, change.bit)) }
            for value in write.pointee.tagValues { tagValues[value.tag, default: []].insert(value.value) }
        }

        /// One command per shared key, in key order.
        func append(to commands: inout RESPCommands) {
            for (partition, members) in timersSet.sorted(by: { $0.key < $1.key }) {
                commands.command(arguments: 2 + 2 * members.count)
                commands.argument("ZADD")
                commands.argument(ProfileKeys.timers(partition: partition))
                for member in members { commands.argument(member.timeMs); commands.argument(member.userId) }
            }
            for (partition, users) in timersRemoved.sorted(by: { $0.key < $1.key }) { appendMembers("ZREM", ProfileKeys.timers(partition: partition), users, to: &commands) }
            for (partition, users) in newUsers.sorted(by: { $0.key < $1.key }) { appendMembers("SADD", ProfileKeys.users(partition: partition), users, to: &commands) }
            for (shard, pairs) in idNames.sorted(by: { $0.key < $1.key }) {
                commands.command(arguments: 2 + 2 * pairs.count)
                commands.argument("HSET")
                commands.argument(ProfileKeys.userIds(shard: shard))
                for pair in pairs { commands.argument(pair.denseId); commands.argument(pair.userId) }
            }
            for (key, operations) in bitfields.sorted(by: { $0.key < $1.key }) {
                commands.command(arguments: 2 + 4 * operations.count)
                commands.argument("BITFIELD")
                commands.argument(key)
                for operation in operations {
                    commands.argument("SET")
                    commands.argument("u1")
                    commands.argument(operation.offset)
                    commands.argument(operation.bit)
                }
            }
            for (tag, values) in tagValues.sorted(by: { $0.key < $1.key }) { appendMembers("SADD", ProfileKeys.tagValues(tag), values.sorted(), to: &commands) }
        }
    }

    /// The commands on the user's own keys (all under its hash tag).
    private static func appendUserCommands(_ write: UnsafePointer<ProfileWrite>, updatedMs: Int64, to commands: inout RESPCommands, pushes: inout [ListPush]) {
        let profile = ProfileKeys.profile(write.pointee.userId)
        // The dense id never changes once given: only a user's first write sets it.
        commands.command(arguments: (write.pointee.isFirstWrite ? 6 : 4) + 2 * (write.pointee.sections.count + write.pointee.modelFields.count))
        commands.argument("HSET")
        commands.argument(profile)
        if write.pointee.isFirstWrite {
            commands.argument("_id")
            commands.argument(write.pointee.denseId)
        }
        commands.argument("_updated")
        commands.argument(updatedMs)
        for section in write.pointee.sections {
            commands.argument(section.section.field)
            commands.argument { ProfileHash.writeSection(section.values, to: &$0) }
        }
        for field in write.pointee.modelFields { commands.argument(field.field); commands.argument(field.value) }
        if !write.pointee.deletes.isEmpty { appendMembers("HDEL", profile, write.pointee.deletes, to: &commands) }
        commands.command(arguments: 3)
        commands.argument("SET")
        commands.argument(ProfileKeys.state(write.pointee.userId))
        commands.argument(bytes: write.pointee.state)
        appendList(ProfileKeys.recentEvents(write.pointee.userId), entries: write.pointee.events.count, limit: BehaviourRecord.eventLimit, trim: .inTransaction(isNew: write.pointee.isFirstWrite), to: &commands, pushes: &pushes) { commands in
            write.pointee.events.forEach { commands.argument(bytes: $0) }
        }
        if !write.pointee.tagChanges.isEmpty {
            appendList(ProfileKeys.tagHistory(write.pointee.userId), entries: 1, limit: BehaviourRecord.tagChangeLimit, trim: .byAnswer, to: &commands, pushes: &pushes) { commands in
                commands.argument { BehaviourRecord.write(tagChanges: write.pointee.tagChanges, timeMs: write.pointee.timeMs, to: &$0) }
            }
        }
        if !write.pointee.metricChanges.isEmpty {
            appendList(ProfileKeys.metricHistory(write.pointee.userId), entries: 1, limit: BehaviourRecord.metricHistoryLimit, trim: .byAnswer, to: &commands, pushes: &pushes) { commands in
                commands.argument { BehaviourRecord.write(metricValues: write.pointee.metricChanges, timeMs: write.pointee.timeMs, to: &$0) }
            }
        }
    }

    /// `name key member…`.
    private static func appendMembers<Members: Collection<String>>(_ name: StaticString, _ key: String, _ members: Members, to commands: inout RESPCommands) {
        commands.command(arguments: 2 + members.count)
        commands.argument(name)
        commands.argument(key)
        for member in members { commands.argument(member) }
    }

    /// How a behaviour list is kept to its limit.
    private enum ListTrim {
        /// By an `LTRIM` in the same transaction, except on a user's first write (`isNew`: Redis
        /// holds nothing of it) when it pushes no more than the limit. For the recent events:
        /// the timeline reads up to 200 of them, more than their limit, so the list must never
        /// be longer, not even between a crash and the user's next event.
        case inTransaction(isNew: Bool)
        /// Only once `LPUSH`'s answer shows the list grew past its limit (``ListPush``). For
        /// the tag and metric histories, which readers read up to their limits only.
        case byAnswer
    }

    /// `LPUSH` of the `entries` arguments `append` adds, oldest first: `LPUSH` leaves the newest
    /// at the head, as readers expect. A push of more than `limit` entries is trimmed in the
    /// same transaction either way.
    private static func appendList(
        _ key: String, entries: Int, limit: Int, trim: ListTrim, to commands: inout RESPCommands, pushes: inout [ListPush],
        append: (inout RESPCommands) -> Void
    ) {
        guard entries > 0 else { return }
        let trimsNow = switch trim {
        case .inTransaction(let isNew): !isNew || entries > limit
        case .byAnswer: entries > limit
        }
        if case .byAnswer = trim, !trimsNow { pushes.append(ListPush(command: commands.count, key: key, limit: limit)) }
        commands.command(arguments: 2 + entries)
        commands.argument("LPUSH")
        commands.argument(key)
        append(&commands)
        if trimsNow { appendTrim(key, limit: limit, to: &commands) }
    }

    /// `LTRIM key 0 limit-1`: keeps the newest `limit` entries.
    static func appendTrim(_ key: String, limit: Int, to commands: inout RESPCommands) {
        commands.command(arguments: 4)
        commands.argument("LTRIM")
        commands.argument(key)
        commands.argument(0)
        commands.argument(limit - 1)
    }
}
