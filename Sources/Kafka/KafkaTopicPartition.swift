/// A partition of a topic, with an offset where one applies (the next offset to read or commit).
public struct KafkaTopicPartition: Hashable, Sendable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32
    /// The offset; `nil` where none is known (librdkafka's `RD_KAFKA_OFFSET_INVALID`).
    public var offset: Int64?

    public init(topic: String, partition: Int32, offset: Int64? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    public var description: String { "\(topic)[\(partition)]" + (offset.map { "@\($0)" } ?? "") }
}
