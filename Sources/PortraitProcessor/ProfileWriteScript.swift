import Redis

/// Writes one user's update atomically: refuses it when the stored fence of any source
/// partition is already past the incoming one (a stale writer, e.g. a processor that lost its
/// partitions), otherwise sets and deletes profile fields, stores the state blob, moves the
/// user's timer, records the user for its partition and flips the user's bits in the tag bitmaps.
///
/// KEYS: profile, state, timers, users, id map, then one key per bitmap bit.
/// ARGV: userId, denseId, state, timer ('' for none), updatedMs,
///       F, F × (fence field, offset), S, S × (field, value), D, D × field, then (offset, bit) per bitmap key.
/// Returns 1 when written, 0 when refused by the fence.
enum ProfileWriteScript {
    static let script = RedisScript("""
        local i = 6
        local fences = tonumber(ARGV[i]); i = i + 1
        for j = 0, fences - 1 do
          local stored = redis.call('HGET', KEYS[1], ARGV[i + 2 * j])
          if stored and tonumber(stored) > tonumber(ARGV[i + 2 * j + 1]) then return 0 end
        end
        local fields = {'_id', ARGV[2], '_updated', ARGV[5]}
        for j = i, i + 2 * fences - 1 do fields[#fields + 1] = ARGV[j] end
        i = i + 2 * fences
        local sets = tonumber(ARGV[i]); i = i + 1
        for j = i, i + 2 * sets - 1 do fields[#fields + 1] = ARGV[j] end
        i = i + 2 * sets
        redis.call('HSET', KEYS[1], unpack(fields))
        local deletes = tonumber(ARGV[i]); i = i + 1
        if deletes > 0 then redis.call('HDEL', KEYS[1], unpack(ARGV, i, i + deletes - 1)) end
        i = i + deletes
        redis.call('SET', KEYS[2], ARGV[3])
        if ARGV[4] == '' then redis.call('ZREM', KEYS[3], ARGV[1]) else redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1]) end
        redis.call('SADD', KEYS[4], ARGV[1])
        redis.call('HSET', KEYS[5], ARGV[2], ARGV[1])
        for k = 6, #KEYS do
          redis.call('SETBIT', KEYS[k], ARGV[i], ARGV[i + 1])
          i = i + 2
        end
        return 1
        """)
}
