import Redis

/// The plain Redis commands that apply a batch of profile writes, appended inside the flush's
/// `MULTI`/`EXEC` (``RedisProfileStore/write(_:updatedMs:generation:epochs:)``).
///
/// Per user, only keys under the user's hash tag: the changed profile fields, the state blob,
/// and one `LPUSH` per behaviour list. Keys shared by many users are written once per batch,
/// whatever the number of users: one `ZADD`/`ZREM` of timers and one `SADD` of users per
/// partition, one `BITFIELD` per bitmap shard (tag bitmaps and the population), one `HSET` of
/// dense ids per shard, one `SADD` per enumerated tag's values. That grouping is what makes a
/// flush cost a few commands per user instead of the ~40 a per-user script ran.
enum ProfileFlushCommands {
    static func append<Writes: Collection<ProfileWrite>>(_ writes: Writes, updatedMs: Int64, to pipe: inout RedisPipeline) {
        var timersSet: [Int32: [any RedisArgument]] = [:]
        var timersRemoved: [Int32: [any RedisArgument]] = [:]
        var newUsers: [Int32: [any RedisArgument]] = [:]
        var idNames: [Int64: [any RedisArgument]] = [:]
        var bitfields: [String: [any RedisArgument]] = [:]
        var tagValues: [String: Set<String>] = [:]
        let updated = String(updatedMs)
        for write in writes {
            let profile = ProfileKeys.profile(write.userId)
            var fields: [any RedisArgument] = ["HSET", profile, "_id", write.denseId, "_updated", updated]
            fields.reserveCapacity(6 + 2 * (write.fences.count + write.sets.count))
            for fence in write.fences { fields.append(fence.field); fields.append(fence.offset) }
            for set in write.sets { fields.append(set.field); fields.append(set.value) }
            pipe.append(fields)
            if !write.deletes.isEmpty { pipe.append(["HDEL", profile] + write.deletes) }
            pipe.append("SET", ProfileKeys.state(write.userId), write.state)
            appendList(ProfileKeys.recentEvents(write.userId), write.events, limit: BehaviourRecord.eventLimit, to: &pipe)
            appendList(ProfileKeys.tagHistory(write.userId), write.tagChanges, limit: BehaviourRecord.tagChangeLimit, to: &pipe)
            appendList(ProfileKeys.metricHistory(write.userId), write.metricChange.map { [$0] } ?? [], limit: BehaviourRecord.metricHistoryLimit, to: &pipe)

            if write.timerChanged {
                if let timer = write.timerMs {
                    timersSet[write.partition, default: []].append(timer)
                    timersSet[write.partition, default: []].append(write.userId)
                } else {
                    timersRemoved[write.partition, default: []].append(write.userId)
                }
            }
            let shard = write.denseId / ProfileKeys.bitmapShardSize
            let bit = write.denseId % ProfileKeys.bitmapShardSize
            if write.isFirstWrite {
                newUsers[write.partition, default: []].append(write.userId)
                idNames[shard, default: []].append(write.denseId)
                idNames[shard, default: []].append(write.userId)
                appendBit(ProfileKeys.population(shard: shard), bit, 1, to: &bitfields)
            }
            for change in write.bits { appendBit(change.key, change.offset, change.bit, to: &bitfields) }
            for value in write.tagValues { tagValues[value.tag, default: []].insert(value.value) }
        }
        for (partition, members) in timersSet.sorted(by: { $0.key < $1.key }) { pipe.append(["ZADD", ProfileKeys.timers(partition: partition)] + members) }
        for (partition, users) in timersRemoved.sorted(by: { $0.key < $1.key }) { pipe.append(["ZREM", ProfileKeys.timers(partition: partition)] + users) }
        for (partition, users) in newUsers.sorted(by: { $0.key < $1.key }) { pipe.append(["SADD", ProfileKeys.users(partition: partition)] + users) }
        for (shard, pairs) in idNames.sorted(by: { $0.key < $1.key }) { pipe.append(["HSET", ProfileKeys.userIds(shard: shard)] + pairs) }
        for (key, operations) in bitfields.sorted(by: { $0.key < $1.key }) { pipe.append(["BITFIELD", key] + operations) }
        for (tag, values) in tagValues.sorted(by: { $0.key < $1.key }) { pipe.append(["SADD", ProfileKeys.tagValues(tag)] + values.sorted()) }
    }

    /// Entries are oldest first; `LPUSH` leaves the newest at the head, as readers expect.
    private static func appendList(_ key: String, _ entries: [String], limit: Int, to pipe: inout RedisPipeline) {
        guard !entries.isEmpty else { return }
        pipe.append(["LPUSH", key] + entries)
        pipe.append("LTRIM", key, 0, limit - 1)
    }

    private static func appendBit(_ key: String, _ offset: Int64, _ bit: Int, to bitfields: inout [String: [any RedisArgument]]) {
        bitfields[key, default: []].append(contentsOf: ["SET", "u1", offset, bit] as [any RedisArgument])
    }
}
