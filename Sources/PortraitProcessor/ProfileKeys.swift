/// Portrait's Redis key layout (docs/PROFILES.md). A user's keys share the hash tag `{userId}`
/// so they live in one Cluster slot and one script can update them together.
public enum ProfileKeys {
    /// Users per bitmap shard: 8M bits, 1 MiB per shard bitmap.
    public static let bitmapShardSize: Int64 = 1 << 23

    /// The profile hash: `a.*` attributes, `m.*` metrics, `t.*` tags, `f.*` fences, `_id`, `_updated`.
    public static func profile(_ userId: String) -> String { "p:{\(userId)}" }
    /// The engine state blob (ProfileStateCodec).
    public static func state(_ userId: String) -> String { "s:{\(userId)}" }
    /// Sorted set of users by the event time of their next timer, per input partition.
    public static func timers(partition: Int32) -> String { "tm:\(partition)" }
    /// Set of the users an input partition has seen (re-evaluated when definitions change).
    public static func users(partition: Int32) -> String { "u:\(partition)" }
    /// Counter handing out dense user ids.
    public static let nextDenseId = "ids:next"
    /// Hash dense id → user id, per bitmap shard (segment exports turn bits back into users).
    public static func userIds(shard: Int64) -> String { "ids:\(shard)" }
    /// The bitmap of a boolean tag's `true`, or of one value of an enumerated tag, per shard.
    public static func bitmap(tag: String, value: String?, shard: Int64) -> String {
        value.map { "bm:\(tag)=\($0):\(shard)" } ?? "bm:\(tag):\(shard)"
    }
    /// Hash of definition versions each processor applied, and where in the stream.
    public static let appliedDefinitions = "ctl:applied"

    /// The profile field holding the fence of one source partition.
    static func fenceField(_ source: String) -> String { "f." + source }
}
