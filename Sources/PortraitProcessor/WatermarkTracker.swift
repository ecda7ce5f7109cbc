/// Event-time progress per input partition number. Topics are co-partitioned by user, so
/// partition p of every input topic feeds the same users: p's watermark is the slowest of its
/// active topic-partitions (newest event time − the allowed delay). A topic-partition silent for
/// `idleTimeoutMs` of processing time stops holding the others back, and when all are silent
/// the watermark may follow the wall clock (`followWallClock`) so time-driven tags still flip.
/// Watermarks never go back.
struct WatermarkTracker {
    struct Source {
        var newestEventMs: Int64
        var lastSeenWallMs: Int64
    }

    let delayMs: Int64
    let idleTimeoutMs: Int64
    let followWallClock: Bool
    private var sources: [String: (partition: Int32, source: Source)] = [:]
    private var watermarks: [Int32: Int64] = [:]

    init(delayMs: Int64, idleTimeoutMs: Int64, followWallClock: Bool) {
        self.delayMs = delayMs
        self.idleTimeoutMs = idleTimeoutMs
        self.followWallClock = followWallClock
    }

    /// An event of `eventMs` from `source` (`topic/partition`, input partition `partition`).
    mutating func observe(source: String, partition: Int32, eventMs: Int64, wallMs: Int64) {
        if let index = sources.index(forKey: source) {  // in place: one lookup per message
            sources.values[index].source.newestEventMs = max(sources.values[index].source.newestEventMs, eventMs)
            sources.values[index].source.lastSeenWallMs = wallMs
        } else {
            sources[source] = (partition, Source(newestEventMs: eventMs, lastSeenWallMs: wallMs))
        }
    }

    /// The watermark of `partition` now (`Int64.min` before any input).
    mutating func watermark(partition: Int32, wallMs: Int64) -> Int64 {
        var slowestActive: Int64? = nil
        var newest = Int64.min
        for (_, entry) in sources where entry.partition == partition {
            newest = max(newest, entry.source.newestEventMs)
            if wallMs - entry.source.lastSeenWallMs < idleTimeoutMs {
                slowestActive = min(slowestActive ?? .max, entry.source.newestEventMs)
            }
        }
        var candidate = (slowestActive ?? newest) == .min ? Int64.min : (slowestActive ?? newest) - delayMs
        if slowestActive == nil, followWallClock { candidate = max(candidate, wallMs - delayMs) }
        let watermark = max(watermarks[partition] ?? .min, candidate)
        watermarks[partition] = watermark
        return watermark
    }

    /// Forgets partitions this processor no longer owns.
    mutating func retain(partitions: Set<Int32>) {
        sources = sources.filter { partitions.contains($0.value.partition) }
        watermarks = watermarks.filter { partitions.contains($0.key) }
    }
}
