/// How `KafkaChangeSink` rides out a Kafka outage: librdkafka keeps every message queued and
/// retries it for ever (`message.timeout.ms = 0`), and `flush` waits in attempts of
/// `flushAttemptMilliseconds`, backing off between them, until every message is acknowledged.
public struct KafkaChangeSinkConfiguration: Sendable {
    /// How long one flush attempt waits for acknowledgements. Default: 10 000 ms.
    public var flushAttemptMilliseconds: Int
    /// The pause after the first unacknowledged attempt; each next pause doubles. Default: 0.5 s.
    public var firstRetryDelaySeconds: Double
    /// The longest pause between attempts. Default: 30 s.
    public var maxRetryDelaySeconds: Double

    public init(flushAttemptMilliseconds: Int = 10_000, firstRetryDelaySeconds: Double = 0.5, maxRetryDelaySeconds: Double = 30) {
        self.flushAttemptMilliseconds = flushAttemptMilliseconds
        self.firstRetryDelaySeconds = firstRetryDelaySeconds
        self.maxRetryDelaySeconds = maxRetryDelaySeconds
    }
}
