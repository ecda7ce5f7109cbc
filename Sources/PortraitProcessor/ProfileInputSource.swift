import Kafka
import StreamEngine

/// Where the processor's inputs come from: the StreamEngine's ``SplitSource`` over Kafka
/// (a split is a topic-partition, its key group the partition number). The live processor
/// reads its consumer group's share of the topics; a recompute reads a bounded stretch of
/// history. Both feed the same job on the same runner, so stream and batch compute profiles
/// with one code path.
///
/// `commit` returns false when the group was rebalancing or had evicted this member: nothing
/// was committed, the inputs will be read again by whoever owns them next (fences make that
/// harmless). `backlog` is as far as the last fetches know: whether the processor is behind.
public protocol ProfileInputSource: SplitSource<KafkaMessage, KafkaTopicPartition> {
    func start(topics: [String]) throws
    /// The topic-partitions read now.
    func assignment() throws -> [KafkaTopicPartition]
    /// Moves the read position of owned partitions (after a generation switch).
    func seek(_ positions: [KafkaTopicPartition]) throws
    /// Owned partitions whose next input is no longer held by the broker: the committed offset
    /// (or, for a group that never committed, 0) is below the log's start.
    func gaps() throws -> [InputGap]
}

extension ProfileInputSource {
    /// A partition number is a key group: every input topic is partitioned by user alike.
    public func assignedKeyGroups() throws -> Set<Int32> { Set(try assignment().map(\.partition)) }
}

/// The live source: a consumer-group member; rebalances are flagged for the processor's loop.
final class ConsumerGroupSource: ProfileInputSource {
    private let consumer: KafkaConsumer

    init(consumer: KafkaConsumer) {
        self.consumer = consumer
    }

    func start(topics: [String]) throws { try consumer.subscribe(topics) }
    func poll(maxRecords: Int, timeoutMs: Int) throws -> [KafkaMessage] { try consumer.poll(maxMessages: maxRecords, timeoutMs: timeoutMs) }
    func commit(_ positions: [KafkaTopicPartition]) throws -> Bool {
        do {
            try consumer.commit(positions)
            return true
        } catch where error.isGroupMembershipChange {
            return false
        }
    }

    func rewindToCommitted() throws -> Bool {
        let owned = try consumer.assignment()
        let committed = try consumer.committed(owned)
        // Never committed: the group's reset policy (earliest) is where reading started.
        try consumer.seek(committed.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition, offset: $0.offset ?? -2) })
        return true
    }

    func gaps() throws -> [InputGap] {
        let owned = try consumer.assignment()
        let committed = try consumer.committed(owned)
        var gaps: [InputGap] = []
        for position in committed {
            let start = try consumer.watermarks(topic: position.topic, partition: position.partition).low
            let next = position.offset ?? 0
            if next < start {
                gaps.append(InputGap(topic: position.topic, partition: position.partition, from: next, to: start, neverCommitted: position.offset == nil))
            }
        }
        return gaps
    }
    func assignment() throws -> [KafkaTopicPartition] { try consumer.assignment() }
    func lag() throws -> Int64? { try consumer.lag() }
    func backlog() throws -> Int64? { try consumer.cachedLag() }
    func seek(_ positions: [KafkaTopicPartition]) throws { try consumer.seek(positions) }
    var isExhausted: Bool { false }
    func close() { consumer.close() }
}

/// Inputs a partition lost before they were read: offsets `from..<to` are gone from the broker
/// (retention, or the mock cluster's size bound).
public struct InputGap: Sendable, Equatable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32
    public var from: Int64
    public var to: Int64
    /// The group had never committed here: a new group on a topic whose log no longer starts at 0.
    public var neverCommitted: Bool

    public var count: Int64 { to - from }
    public var description: String { "\(topic)[\(partition)] offsets \(from)..<\(to) (\(count) inputs)" }
}
