import StreamEngine

/// The `topic/partition` names of input sources (profile fences, commit positions) and their
/// watermark splits (key group: the partition), made once per source instead of once per message.
struct SourceNames {
    private var sources: [Int32: [(topic: String, name: String, split: SplitWatermarks.Split)]] = [:]

    /// The name of `topic`'s `partition` and its split in `watermarks`, registered there on first
    /// sight. Split handles never go stale (``SplitWatermarks/retain(keyGroups:)`` keeps them).
    mutating func source(topic: String, partition: Int32, in watermarks: inout SplitWatermarks) -> (name: String, split: SplitWatermarks.Split) {
        // The consumer hands out one topic string per run of messages, so `==` mostly finds the
        // same storage and returns at once.
        if let known = sources[partition]?.first(where: { $0.topic == topic }) { return (known.name, known.split) }
        let name = "\(topic)/\(partition)"
        let split = watermarks.register(split: name, keyGroup: partition)
        sources[partition, default: []].append((topic, name, split))
        return (name, split)
    }
}
