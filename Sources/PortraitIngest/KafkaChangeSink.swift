import Kafka

/// Produces envelopes to Kafka with an idempotent producer, keyed by the table's key column
/// (partition = murmur2 hash of the key); `flush` waits for every acknowledgement.
public struct KafkaChangeSink: ChangeSink {
    public let producer: KafkaProducer
    /// Envelopes produced so far.
    public private(set) var count = 0

    public init(producer: KafkaProducer) {
        self.producer = producer
    }

    /// A sink with its own idempotent producer for `bootstrapServers`.
    public init(bootstrapServers: String, properties: [String: String] = [:]) throws(KafkaError) {
        producer = try KafkaProducer(configuration: KafkaProducerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: bootstrapServers, properties: properties), idempotent: true))
    }

    public mutating func write(_ envelope: ChangeEnvelope, json: [UInt8], topic: String, key: [UInt8]?) throws {
        try producer.enqueue(topic: topic, key: key, value: json)
        count += 1
    }

    public mutating func flush() throws {
        try producer.flush()
    }
}
