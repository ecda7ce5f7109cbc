import Kafka

/// Where the processor's inputs come from. The live processor reads its consumer group's share
/// of the topics; a recompute reads a bounded stretch of history. Both feed the same
/// ``ProfileProcessor`` loop, so stream and batch compute profiles with one code path.
public protocol ProfileInputSource: AnyObject {
    func start(topics: [String]) throws
    /// Waits up to `timeoutMs` for the first message, then takes what else is ready.
    func poll(maxMessages: Int, timeoutMs: Int) throws -> [KafkaMessage]
    /// Records that everything before `positions` is applied.
    func commit(_ positions: [KafkaTopicPartition]) throws
    /// The topic-partitions read now.
    func assignment() throws -> [KafkaTopicPartition]
    /// Messages not read yet (`nil` while nothing is assigned).
    func lag() throws -> Int64?
    /// Moves the read position of owned partitions (after a generation switch).
    func seek(_ positions: [KafkaTopicPartition]) throws
    /// A bounded source that has delivered all it will: the processor finishes its timers and stops.
    var isExhausted: Bool { get }
    func close()
}

/// The live source: a consumer-group member; rebalances are flagged for the processor's loop.
final class ConsumerGroupSource: ProfileInputSource {
    private let consumer: KafkaConsumer

    init(consumer: KafkaConsumer) {
        self.consumer = consumer
    }

    func start(topics: [String]) throws { try consumer.subscribe(topics) }
    func poll(maxMessages: Int, timeoutMs: Int) throws -> [KafkaMessage] { try consumer.poll(maxMessages: maxMessages, timeoutMs: timeoutMs) }
    func commit(_ positions: [KafkaTopicPartition]) throws { try consumer.commit(positions) }
    func assignment() throws -> [KafkaTopicPartition] { try consumer.assignment() }
    func lag() throws -> Int64? { try consumer.lag() }
    func seek(_ positions: [KafkaTopicPartition]) throws { try consumer.seek(positions) }
    var isExhausted: Bool { false }
    func close() { consumer.close() }
}
