/// A message read from Kafka. Key and value are copied out of librdkafka's buffer.
public struct KafkaMessage: Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// The message key, `nil` when the producer sent none.
    public var key: [UInt8]?
    /// The payload, `nil` for a tombstone (a delete marker on a compacted topic).
    public var value: [UInt8]?
    /// Producer or broker timestamp in epoch milliseconds, `nil` when the broker has none.
    public var timestampMs: Int64?

    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?, timestampMs: Int64?) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.timestampMs = timestampMs
    }

    /// The position to commit once this message is processed: the offset after it.
    public var nextPosition: KafkaTopicPartition {
        KafkaTopicPartition(topic: topic, partition: partition, offset: offset + 1)
    }
}
