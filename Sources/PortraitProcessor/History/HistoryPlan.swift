/// Where one input partition's history comes from. The archive is preferred where it reaches
/// Kafka's retained part without a hole (local files, no load on the brokers); Kafka gives the
/// rest up to the switch point. Offsets before both are missing.
public struct PartitionHistory: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    /// Read from the archive.
    public var archived: Range<Int64>
    /// Read from Kafka, up to the switch point.
    public var kafka: Range<Int64>
    /// Offsets neither holds any more.
    public var missing: Range<Int64>?

    public var source: String { "\(topic)/\(partition)" }
    /// The switch point: the offset live processors resume from.
    public var end: Int64 { kafka.upperBound }

    /// Plans from Kafka's retained offsets `low..<high` and the archive's hole-free coverage.
    public static func plan(topic: String, partition: Int32, kafkaLow low: Int64, kafkaHigh high: Int64, archive: Range<Int64>?) -> PartitionHistory {
        if let archive, archive.upperBound >= low, archive.lowerBound < high {
            let archivedEnd = min(archive.upperBound, high)
            return PartitionHistory(
                topic: topic, partition: partition, archived: archive.lowerBound..<archivedEnd, kafka: archivedEnd..<high,
                missing: archive.lowerBound > 0 ? 0..<archive.lowerBound : nil)
        }
        return PartitionHistory(topic: topic, partition: partition, archived: low..<low, kafka: low..<high, missing: low > 0 ? 0..<low : nil)
    }
}

/// Whether missing history matters: it does when a metric covers a user's whole history, or
/// when the longest window, ending at the newest input, reaches back before the first input
/// still held. History older than every window is expected to be gone (retention).
public struct HistoryGap: Sendable, CustomStringConvertible {
    public var partition: PartitionHistory
    /// Time of the first input still held (Kafka timestamp), if any was read.
    public var firstHeldMs: Int64?

    public init(partition: PartitionHistory, firstHeldMs: Int64?) {
        self.partition = partition
        self.firstHeldMs = firstHeldMs
    }

    public var description: String {
        guard let missing = partition.missing else { return "\(partition.topic)[\(partition.partition)] complete" }
        return "\(partition.topic)[\(partition.partition)] offsets \(missing.lowerBound)..<\(missing.upperBound) are neither in Kafka nor in the archive"
    }

    /// The gaps that would leave a window short. `longestWindowMs` is `nil` when some metric
    /// is `lifetime`.
    public static func relevant(_ gaps: [HistoryGap], newestMs: Int64?, longestWindowMs: Int64?) -> [HistoryGap] {
        gaps.filter { gap in
            guard gap.partition.missing != nil else { return false }
            guard let longestWindowMs else { return true }
            guard let first = gap.firstHeldMs, let newestMs else { return true }  // nothing held: the window cannot be checked
            return first > newestMs - longestWindowMs
        }
    }
}
