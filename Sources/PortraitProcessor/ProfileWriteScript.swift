import Redis

/// Writes one user's update atomically: refuses it when the writer no longer owns the user's
/// partition (its owner epoch is not the stored one: a processor that lost its partitions
/// without noticing, whatever the write — inputs, timers or a re-evaluation), or when the
/// stored fence of any source partition is already at or past the incoming one (the input was
/// applied already: a replay), otherwise sets and deletes profile fields, stores the state blob, moves the
/// user's timer, records the user for its partition and in the population, appends to the
/// user's behaviour lists (capped), and flips the user's bits in the tag bitmaps.
///
/// KEYS: profile, state, timers, users, id map, population, events, tag history, metric
///       history, generation, the partition's owner epoch, then one key per bitmap bit, then
///       one value-set key per new enumerated value.
/// ARGV: userId, denseId, state, timer ('' for none), updatedMs, bit offset in the shard,
///       the generation the writer computed for, the writer's owner epoch ('' for a writer with
///       no rival: a recompute into its scratch database), F, F × (fence field, offset), S, S × (field, value), D, D × field,
///       E, E × event, T, T × tag change, metric change ('' for none),
///       B, B × bit (per bitmap key), then one value per value-set key.
/// Returns 1 when written, 0 when refused by a fence, -2 when refused by the owner epoch, -1 when the database holds another
/// profile generation than the writer's (a recompute was swapped in: the writer must reload).
enum ProfileWriteScript {
    static let script = RedisScript("""
        if (redis.call('GET', KEYS[10]) or '0') ~= ARGV[7] then return -1 end
        if ARGV[8] ~= '' and redis.call('GET', KEYS[11]) ~= ARGV[8] then return -2 end
        local i = 9
        local fences = tonumber(ARGV[i]); i = i + 1
        for j = 0, fences - 1 do
          local stored = redis.call('HGET', KEYS[1], ARGV[i + 2 * j])
          if stored and tonumber(stored) >= tonumber(ARGV[i + 2 * j + 1]) then return 0 end
        end
        local fields = {'_id', ARGV[2], '_updated', ARGV[5]}
        for j = i, i + 2 * fences - 1 do fields[#fields + 1] = ARGV[j] end
        i = i + 2 * fences
        local sets = tonumber(ARGV[i]); i = i + 1
        for j = i, i + 2 * sets - 1 do fields[#fields + 1] = ARGV[j] end
        i = i + 2 * sets
        local new = redis.call('HSET', KEYS[1], unpack(fields))
        local deletes = tonumber(ARGV[i]); i = i + 1
        if deletes > 0 then redis.call('HDEL', KEYS[1], unpack(ARGV, i, i + deletes - 1)) end
        i = i + deletes
        redis.call('SET', KEYS[2], ARGV[3])
        if ARGV[4] == '' then redis.call('ZREM', KEYS[3], ARGV[1]) else redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1]) end
        if new >= 2 then
          -- a first write ('_id' and '_updated' are new): register the user once
          redis.call('SADD', KEYS[4], ARGV[1])
          redis.call('HSET', KEYS[5], ARGV[2], ARGV[1])
          redis.call('SETBIT', KEYS[6], ARGV[6], 1)
        end
        local events = tonumber(ARGV[i]); i = i + 1
        if events > 0 then
          redis.call('LPUSH', KEYS[7], unpack(ARGV, i, i + events - 1))
          redis.call('LTRIM', KEYS[7], 0, \(BehaviourRecord.eventLimit - 1))
        end
        i = i + events
        local changes = tonumber(ARGV[i]); i = i + 1
        if changes > 0 then
          redis.call('LPUSH', KEYS[8], unpack(ARGV, i, i + changes - 1))
          redis.call('LTRIM', KEYS[8], 0, \(BehaviourRecord.tagChangeLimit - 1))
        end
        i = i + changes
        if ARGV[i] ~= '' then
          redis.call('LPUSH', KEYS[9], ARGV[i])
          redis.call('LTRIM', KEYS[9], 0, \(BehaviourRecord.metricHistoryLimit - 1))
        end
        i = i + 1
        local bits = tonumber(ARGV[i]); i = i + 1
        for k = 12, 11 + bits do
          redis.call('SETBIT', KEYS[k], ARGV[6], ARGV[i])
          i = i + 1
        end
        for k = 12 + bits, #KEYS do
          redis.call('SADD', KEYS[k], ARGV[i])
          i = i + 1
        end
        return 1
        """)
}
