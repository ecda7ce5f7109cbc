/// Producer settings. Defaults favour safety: idempotence on, every in-sync replica acknowledges.
public struct KafkaProducerConfiguration: Sendable {
    /// Brokers and raw properties. Default: `127.0.0.1:9092`, no extra properties.
    public var client: KafkaClientConfiguration
    /// Idempotent produce (no duplicates or reordering from retries). Default: `true`.
    public var idempotent: Bool
    /// How long librdkafka keeps retrying a message before reporting it failed. Default: 30 000 ms.
    public var messageTimeoutMs: Int
    /// How long a batch may wait to fill up. Default: 5 ms.
    public var lingerMs: Int

    public init(client: KafkaClientConfiguration = .init(), idempotent: Bool = true, messageTimeoutMs: Int = 30_000, lingerMs: Int = 5) {
        self.client = client
        self.idempotent = idempotent
        self.messageTimeoutMs = messageTimeoutMs
        self.lingerMs = lingerMs
    }

    var properties: [String: String] {
        client.allProperties(adding: [
            "enable.idempotence": idempotent ? "true" : "false",
            "message.timeout.ms": String(messageTimeoutMs),
            "linger.ms": String(lingerMs),
            // The default murmur2 partitioner matches the Java client, so keys land on the
            // same partition whichever client produced them.
            "partitioner": "murmur2_random",
            "queue.buffering.max.messages": "1000000",
        ])
    }
}
