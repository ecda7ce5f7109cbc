import EventArchive
import Kafka
import Logging

/// A bounded replay: each input partition's history as ``PartitionHistory`` plans it — archived
/// segments first, then Kafka up to (not including) the switch point — read outside any
/// consumer group and never committed.
public final class HistorySource: ProfileInputSource {
    public let partitions: [PartitionHistory]
    private let archive: EventArchiveStore?
    private let consumer: KafkaConsumer
    /// Kafka end offsets of the partitions not read to their end yet.
    private var remaining: [String: Int64]
    /// Archived partitions still to replay; the one being replayed, its segments still to read
    /// and the next offset it needs; the records of the segment being replayed (one segment is
    /// in memory at a time).
    private var archiveQueue: [PartitionHistory]
    private var replaying: PartitionHistory?
    private var segments: [ArchiveSegment] = []
    private var nextOffset: Int64 = 0
    private var archived: [KafkaMessage] = []
    private var archivedIndex = 0
    /// What was read: inputs per origin, the first input's time per partition, the newest time.
    public private(set) var readFromArchive = 0
    public private(set) var readFromKafka = 0
    public private(set) var firstHeldMs: [String: Int64] = [:]
    public private(set) var newestMs: Int64?

    public init(bootstrapServers: String, partitions: [PartitionHistory], archive: EventArchiveStore?, logger: Logger) throws {
        consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                client: KafkaClientConfiguration(bootstrapServers: bootstrapServers, properties: ["fetch.wait.max.ms": "10", "enable.auto.commit": "false"]),
                groupId: "portrait-history-reader"),  // required by librdkafka; never joined or committed
            logger: logger)
        self.partitions = partitions
        self.archive = archive
        archiveQueue = partitions.filter { !$0.archived.isEmpty }
        remaining = Dictionary(partitions.filter { !$0.kafka.isEmpty }.map { ($0.source, $0.kafka.upperBound) }, uniquingKeysWith: max)
    }

    public func start(topics: [String]) throws {
        let reading = partitions.filter { !$0.kafka.isEmpty }
        try consumer.assign(reading.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition, offset: $0.kafka.lowerBound) })
    }

    public func poll(maxMessages: Int, timeoutMs: Int) throws -> [KafkaMessage] {
        if let fromArchive = try nextArchived(maxMessages: maxMessages) {
            readFromArchive += fromArchive.count
            note(fromArchive)
            return fromArchive
        }
        guard !remaining.isEmpty else { return [] }
        var kept: [KafkaMessage] = []
        for message in try consumer.poll(maxMessages: maxMessages, timeoutMs: timeoutMs) {
            let source = "\(message.topic)/\(message.partition)"
            guard let end = remaining[source], message.offset < end else { continue }  // past the switch point
            kept.append(message)
            if message.offset + 1 >= end { remaining[source] = nil }
        }
        readFromKafka += kept.count
        note(kept)
        return kept
    }

    /// The next archived records, segment by segment, partition by partition; `nil` once the
    /// archive part is replayed. Repeats (segments rewritten after an archiver crash overlap)
    /// are skipped by offset.
    private func nextArchived(maxMessages: Int) throws -> [KafkaMessage]? {
        while archivedIndex >= archived.count {
            guard let history = replaying, !segments.isEmpty else {
                guard let archive, !archiveQueue.isEmpty else { archiveQueue = []; return nil }
                let next = archiveQueue.removeFirst()
                replaying = next
                nextOffset = next.archived.lowerBound
                segments = archive.segments(topic: next.topic, partition: next.partition).filter { $0.first < next.archived.upperBound }
                continue
            }
            let segment = segments.removeFirst()
            archived = []
            archivedIndex = 0
            guard segment.last >= nextOffset else { continue }
            for record in try segment.records() where record.offset >= nextOffset && record.offset < history.archived.upperBound {
                archived.append(KafkaMessage(
                    topic: history.topic, partition: history.partition, offset: record.offset,
                    key: record.key, value: record.value, timestampMs: record.timestampMs))
                nextOffset = record.offset + 1
            }
        }
        let slice = archived[archivedIndex..<min(archived.count, archivedIndex + maxMessages)]
        archivedIndex += slice.count
        return Array(slice)
    }

    private func note(_ messages: [KafkaMessage]) {
        for message in messages {
            guard let time = message.timestampMs else { continue }
            let source = "\(message.topic)/\(message.partition)"
            if firstHeldMs[source] == nil { firstHeldMs[source] = time }
            newestMs = max(newestMs ?? time, time)
        }
    }

    public func commit(_ positions: [KafkaTopicPartition]) throws {}

    public func assignment() throws -> [KafkaTopicPartition] {
        partitions.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) }
    }

    public func lag() throws -> Int64? { isExhausted ? 0 : nil }

    public func seek(_ positions: [KafkaTopicPartition]) throws {}

    public var isExhausted: Bool { remaining.isEmpty && archiveQueue.isEmpty && segments.isEmpty && archivedIndex >= archived.count }

    public func close() { consumer.close() }
}
