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
    /// Archived partition numbers still to replay (each with its topics), and the cursors of
    /// the one being replayed.
    private var archiveQueue: [[PartitionHistory]]
    private var cursors: [ArchiveCursor] = []
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
        archiveQueue = Dictionary(grouping: partitions.filter { !$0.archived.isEmpty }, by: \.partition)
            .sorted { $0.key < $1.key }.map(\.value)
        remaining = Dictionary(partitions.filter { !$0.kafka.isEmpty }.map { ($0.source, $0.kafka.upperBound) }, uniquingKeysWith: max)
    }

    public func start(topics: [String]) throws {
        let reading = partitions.filter { !$0.kafka.isEmpty }
        try consumer.assign(reading.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition, offset: $0.kafka.lowerBound) })
    }

    public func poll(maxRecords maxMessages: Int, timeoutMs: Int) throws -> [KafkaMessage] {
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

    /// The next archived records, partition number by partition number; `nil` once the archive
    /// part is replayed. A partition number's topics (co-partitioned by user) are merged by
    /// time, as a live processor reads them side by side: replaying one topic after another
    /// would move each user's clock past the other topic's inputs before they arrive.
    private func nextArchived(maxMessages: Int) throws -> [KafkaMessage]? {
        var batch: [KafkaMessage] = []
        while batch.count < maxMessages {
            if cursors.isEmpty {
                guard let archive, !archiveQueue.isEmpty else {
                    archiveQueue = []  // no archive to read: nothing of it is left
                    break
                }
                cursors = archiveQueue.removeFirst().map { ArchiveCursor(history: $0, archive: archive) }
            }
            var oldest: (cursor: Int, message: KafkaMessage)?
            for index in cursors.indices {
                guard let next = try cursors[index].peek() else { continue }
                if let current = oldest, (current.message.timestampMs ?? .min) <= (next.timestampMs ?? .min) { continue }  // ties: the first topic
                oldest = (index, next)
            }
            guard let oldest else {
                cursors = []
                // A partition number's end ends the batch, so the runner lets its users go
                // (``finishedKeyGroups``) before the next one's arrive.
                return batch
            }
            batch.append(oldest.message)
            cursors[oldest.cursor].advance()
        }
        return batch.isEmpty ? nil : batch
    }

    private func note(_ messages: [KafkaMessage]) {
        for message in messages {
            guard let time = message.timestampMs else { continue }
            let source = "\(message.topic)/\(message.partition)"
            if firstHeldMs[source] == nil { firstHeldMs[source] = time }
            newestMs = max(newestMs ?? time, time)
        }
    }

    public func commit(_ positions: [KafkaTopicPartition]) throws -> Bool { true }

    public func assignment() throws -> [KafkaTopicPartition] {
        partitions.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) }
    }

    public func lag() throws -> Int64? { isExhausted ? 0 : nil }
    public func backlog() throws -> Int64? { nil }

    public func seek(_ positions: [KafkaTopicPartition]) throws {}

    /// A recompute that failed to write fails: the scheduler runs it again from the start.
    public func rewindToCommitted() throws -> Bool { false }

    /// The history plan already checked the archive covers what Kafka no longer holds.
    public func gaps() throws -> [InputGap] { [] }

    /// Partition numbers whose archive part is replayed and whose Kafka part (read after every
    /// archive part) is read or empty.
    public var finishedKeyGroups: Set<Int32> {
        var open = Set(archiveQueue.joined().map(\.partition))
        if let replaying = cursors.first?.history.partition { open.insert(replaying) }
        for history in partitions where remaining[history.source] != nil { open.insert(history.partition) }
        return Set(partitions.map(\.partition)).subtracting(open)
    }

    public var isExhausted: Bool { remaining.isEmpty && archiveQueue.isEmpty && cursors.allSatisfy(\.isExhausted) }

    public func close() { consumer.close() }
}
