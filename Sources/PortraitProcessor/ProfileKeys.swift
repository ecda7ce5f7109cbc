import PortraitCore
/// Portrait's Redis key layout (docs/PROFILES.md). A user's keys share the hash tag `{userId}`
/// so they live in one Cluster slot and one transaction can update them together.
public enum ProfileKeys {
    /// Users per bitmap shard: 8M bits, 1 MiB per shard bitmap.
    public static let bitmapShardSize: Int64 = 1 << 23

    /// The profile hash: sections `a` attributes, `m` metrics and `t` tags (``ProfileHash``),
    /// `model.*` outputs, `_id`, `_updated`. (Hashes written before 2026-12-07 hold flat `a.*`,
    /// `m.*`, `t.*` fields instead, and may hold `f.*` fences, now kept only in the state blob.)
    public static func profile(_ userId: String) -> String { "p:{\(userId)}" }
    /// The engine state blob (ProfileStateCodec).
    public static func state(_ userId: String) -> String { "s:{\(userId)}" }
    /// The metric state keys state blobs refer to by position (``StateKeys``), one line each,
    /// stored once per definition set (`SET NX` in every flush that writes blobs using them).
    public static func stateKeys(_ fingerprint: UInt64) -> String { "sk:\(StateKeys.hex(fingerprint))" }
    /// Sorted set of users by the event time of their next timer, per input partition.
    public static func timers(partition: Int32) -> String { "tm:\(partition)" }
    /// The owner epoch of an input partition: counted up by each processor that takes the
    /// partition over, and checked by every profile write of its users, so a processor that
    /// lost the partition without noticing can no longer write.
    public static func ownerEpoch(partition: Int32) -> String { "ep:\(partition)" }
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
    /// Every user with a profile, by dense id, per shard: the population segments are taken
    /// within (`not x`, shares in group portraits).
    public static func population(shard: Int64) -> String { "pop:\(shard)" }
    /// Set of the values an enumerated tag has taken (its bitmaps, for group portraits).
    public static func tagValues(_ tag: String) -> String { "bmv:\(tag)" }
    /// The user's recent events, newest first (``BehaviourRecord``).
    public static func recentEvents(_ userId: String) -> String { "ev:{\(userId)}" }
    /// When each of the user's tags changed, newest first.
    public static func tagHistory(_ userId: String) -> String { "th:{\(userId)}" }
    /// The user's metric values after each change, newest first.
    public static func metricHistory(_ userId: String) -> String { "mh:{\(userId)}" }
    /// Per processor: its throughput and freshness, refreshed every few seconds (`GET /v1/pipeline`).
    public static func processorStatus(_ name: String) -> String { "stat:process:\(name)" }
    /// Sorted set of processor names by their last status report (ms).
    public static let processors = "stat:processors"
    /// Hash of definition versions each processor applied, and where in the stream.
    public static let appliedDefinitions = "ctl:applied"

    /// The profile generation this database holds (absent: 0). A full recompute builds
    /// generation N+1 in a scratch database and swaps it in (docs/RECOMPUTE.md).
    public static let generation = "gen"
    /// Hash `topic/partition` → the input offset generation N+1 was computed up to: where live
    /// processors resume from once it is swapped in.
    public static let generationSwitch = "gen:switch"
    /// Marks a database a recompute built a generation in (or left an old one in): only such a
    /// database, or an empty one, is emptied for the next recompute.
    public static let scratchMarker = "gen:scratch"
    /// Hash `group/topic/partition` → "1" once that processor group rewound the partition to
    /// the switch point of this generation.
    public static let generationAdopted = "gen:adopted"
}
