/// The `topic/partition` names of input sources (profile fences, commit positions, watermark
/// inputs), built once per source instead of once per message.
struct SourceNames {
    private var names: [Int32: [(topic: String, name: String)]] = [:]

    mutating func name(topic: String, partition: Int32) -> String {
        // The consumer hands out one topic string per run of messages, so `==` mostly finds the
        // same storage and returns at once.
        if let known = names[partition]?.first(where: { $0.topic == topic }) { return known.name }
        let name = "\(topic)/\(partition)"
        names[partition, default: []].append((topic, name))
        return name
    }
}
