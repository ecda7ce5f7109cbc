/// Event-time progress of splits that come and go at run time (Kafka topic-partitions of a
/// consumer group), combined per key group.
///
/// A key group is the unit of ownership: with inputs co-partitioned by key, partition `p` of
/// every input topic feeds the same keys, so the splits `orders/3` and `clicks/3` both belong to
/// key group 3. A key group's watermark is the slowest *active* split's newest event time minus
/// `delayMs`. A split that saw no record for `idleTimeoutMs` of processing (wall) time stops
/// holding the others back; when none is active (all idle, or none seen yet), the watermark
/// moves to the newest split's time minus `delayMs` and, with `followWallClock`, to at least
/// `wallMs - delayMs`, so time-driven results of a quiet live stream still come out. Before any
/// record (and without `followWallClock`) it is `Watermark.minimum`; it never goes back.
///
/// How this relates to ``WatermarkValve``: each split is a Flink source split with its own
/// watermark and idleness detected by processing time (`WatermarksWithIdleness`), and a key
/// group combines its splits as the valve combines inputs (minimum over the active ones). It is
/// not built on the valve because its numbers differ on purpose: newest − delay (not
/// ``BoundedOutOfOrdernessWatermarks``' newest − delay − 1), a group whose splits are all idle
/// advances to its newest split instead of holding, and the wall clock may lead; and the
/// splits are not a fixed input count.
///
/// Handles: ``register(split:keyGroup:)`` gives each split name one ``Split`` for the life of
/// this value, so the per-record ``observe(split:eventMs:wallMs:)`` is an array access. Handles
/// are never reused or invalidated. ``retain(keyGroups:)`` forgets what the splits of dropped
/// key groups saw and the groups' watermarks; their handles stay valid, and a split observed
/// again (its group re-added) starts from scratch, exactly like a split never seen.
public struct SplitWatermarks: Sendable {
    /// A registered split: an index into the split table.
    public struct Split: Hashable, Sendable {
        @usableFromInline let index: Int

        @usableFromInline init(index: Int) { self.index = index }
    }

    /// What one split has seen since it was registered or its key group was last dropped.
    @usableFromInline struct Progress: Sendable {
        let keyGroup: Int32
        @usableFromInline var seen = false
        @usableFromInline var newestEventMs = Watermark.minimum
        @usableFromInline var lastSeenWallMs: Int64 = 0

        init(keyGroup: Int32) { self.keyGroup = keyGroup }
    }

    /// How far behind the newest event time of the slowest active split the watermark stays.
    public let delayMs: Int64
    /// Processing time after which a split with no record stops holding its group back.
    public let idleTimeoutMs: Int64
    /// Whether a group with no active split follows the wall clock (live runs; off for
    /// deterministic replays).
    public let followWallClock: Bool

    @usableFromInline var splits: [Progress] = []
    private var handles: [String: Split] = [:]
    /// Each key group's splits, in registration order.
    private var groups: [Int32: [Split]] = [:]
    /// Each key group's watermark as last asked: the floor it never goes back below.
    private var watermarks: [Int32: Int64] = [:]

    /// Creates an empty table.
    public init(delayMs: Int64, idleTimeoutMs: Int64, followWallClock: Bool) {
        self.delayMs = delayMs
        self.idleTimeoutMs = idleTimeoutMs
        self.followWallClock = followWallClock
    }

    /// The handle of split `name` (for example `"topic/partition"`) in `keyGroup`; the same
    /// handle every time for the same name. A registered split holds nothing back until it
    /// sees a record. A name belongs to one key group for good.
    public mutating func register(split name: String, keyGroup: Int32) -> Split {
        if let split = handles[name] {
            precondition(splits[split.index].keyGroup == keyGroup, "split \(name) registered in key group \(splits[split.index].keyGroup), not \(keyGroup)")
            return split
        }
        let split = Split(index: splits.count)
        splits.append(Progress(keyGroup: keyGroup))
        handles[name] = split
        groups[keyGroup, default: []].append(split)
        return split
    }

    /// A record of event time `eventMs` from `split`, read at processing time `wallMs`.
    @inlinable
    public mutating func observe(split: Split, eventMs: Int64, wallMs: Int64) {
        splits[split.index].seen = true
        splits[split.index].newestEventMs = max(splits[split.index].newestEventMs, eventMs)
        splits[split.index].lastSeenWallMs = wallMs
    }

    /// The watermark of `keyGroup` at processing time `wallMs`; remembered, so later calls never
    /// return less.
    public mutating func watermark(keyGroup: Int32, wallMs: Int64) -> Int64 {
        var slowestActive: Int64? = nil
        var newest = Watermark.minimum
        for split in groups[keyGroup] ?? [] where splits[split.index].seen {
            let progress = splits[split.index]
            newest = max(newest, progress.newestEventMs)
            if wallMs - progress.lastSeenWallMs < idleTimeoutMs {
                slowestActive = min(slowestActive ?? .max, progress.newestEventMs)
            }
        }
        let holding = slowestActive ?? newest
        var candidate = holding == Watermark.minimum ? Watermark.minimum : holding - delayMs
        if slowestActive == nil, followWallClock { candidate = max(candidate, wallMs - delayMs) }
        let watermark = max(watermarks[keyGroup] ?? Watermark.minimum, candidate)
        watermarks[keyGroup] = watermark
        return watermark
    }

    /// Forgets every key group not in `keyGroups` (no longer owned): its watermark and what its
    /// splits saw. Their handles stay valid and start from scratch.
    public mutating func retain(keyGroups: Set<Int32>) {
        for index in splits.indices where !keyGroups.contains(splits[index].keyGroup) {
            splits[index] = Progress(keyGroup: splits[index].keyGroup)
        }
        watermarks = watermarks.filter { keyGroups.contains($0.key) }
    }
}
