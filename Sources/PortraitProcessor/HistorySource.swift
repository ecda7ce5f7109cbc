import Kafka
import Logging

/// A bounded replay: every message of the given topic-partitions from a start offset up to
/// (not including) an end offset, read outside any consumer group and never committed.
public final class HistorySource: ProfileInputSource {
    /// One topic-partition's stretch of history: offsets `start..<end`.
    public struct Range: Sendable, Hashable {
        public var topic: String
        public var partition: Int32
        public var start: Int64
        public var end: Int64

        public init(topic: String, partition: Int32, start: Int64, end: Int64) {
            self.topic = topic
            self.partition = partition
            self.start = start
            self.end = end
        }

        var source: String { "\(topic)/\(partition)" }
    }

    private let consumer: KafkaConsumer
    public let ranges: [Range]
    /// End offsets of the ranges not read to their end yet.
    private var remaining: [String: Int64]

    public init(bootstrapServers: String, ranges: [Range], logger: Logger) throws {
        consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                client: KafkaClientConfiguration(bootstrapServers: bootstrapServers, properties: ["fetch.wait.max.ms": "10", "enable.auto.commit": "false"]),
                groupId: "portrait-history-reader"),  // required by librdkafka; never joined or committed
            logger: logger)
        self.ranges = ranges
        remaining = Dictionary(ranges.filter { $0.start < $0.end }.map { ($0.source, $0.end) }, uniquingKeysWith: max)
    }

    public func start(topics: [String]) throws {
        let reading = ranges.filter { $0.start < $0.end }
        try consumer.assign(reading.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition, offset: $0.start) })
    }

    public func poll(maxMessages: Int, timeoutMs: Int) throws -> [KafkaMessage] {
        guard !remaining.isEmpty else { return [] }
        var kept: [KafkaMessage] = []
        for message in try consumer.poll(maxMessages: maxMessages, timeoutMs: timeoutMs) {
            let source = "\(message.topic)/\(message.partition)"
            guard let end = remaining[source], message.offset < end else { continue }  // past the switch point
            kept.append(message)
            if message.offset + 1 >= end { remaining[source] = nil }
        }
        return kept
    }

    public func commit(_ positions: [KafkaTopicPartition]) throws {}

    public func assignment() throws -> [KafkaTopicPartition] {
        ranges.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) }
    }

    public func lag() throws -> Int64? { remaining.isEmpty ? 0 : nil }

    public func seek(_ positions: [KafkaTopicPartition]) throws {}

    public var isExhausted: Bool { remaining.isEmpty }

    public func close() { consumer.close() }
}
