import Foundation
import Kafka
import Logging

/// Produces envelopes to Kafka with an idempotent producer, keyed by the table's key column
/// (partition = murmur2 hash of the key); `flush` waits for every acknowledgement.
///
/// A Kafka outage is waited out, not failed: messages never expire in librdkafka's queue
/// (`message.timeout.ms = 0`, order per partition kept by idempotence), and `flush` retries
/// with backoff until Kafka is back, so the pipeline never saves a position past a message
/// Kafka has not acknowledged. Only a stop request ends the wait (with `flushAbandoned`).
public struct KafkaChangeSink: ChangeSink, Sendable {
    public let producer: KafkaProducer
    public let configuration: KafkaChangeSinkConfiguration
    /// Envelopes produced so far.
    public private(set) var count = 0
    /// Envelopes written since the last successful flush.
    public private(set) var unacknowledged = 0
    private let stop: IngestStopSignal?
    private let logger: Logger
    /// Called after each flush attempt that timed out, with its number (1, 2, …) in this flush.
    private let flushRetried: (@Sendable (_ attempt: Int) -> Void)?

    public init(producer: KafkaProducer, configuration: KafkaChangeSinkConfiguration = .init(), stop: IngestStopSignal? = nil,
                logger: Logger = Logger(label: "portrait.ingest.kafka"), flushRetried: (@Sendable (_ attempt: Int) -> Void)? = nil) {
        self.producer = producer
        self.configuration = configuration
        self.stop = stop
        self.logger = logger
        self.flushRetried = flushRetried
    }

    /// A sink with its own idempotent producer for `bootstrapServers`, whose messages never expire.
    public init(
        bootstrapServers: String, properties: [String: String] = [:], configuration: KafkaChangeSinkConfiguration = .init(),
        stop: IngestStopSignal? = nil, logger: Logger = Logger(label: "portrait.ingest.kafka"),
        flushRetried: (@Sendable (_ attempt: Int) -> Void)? = nil
    ) throws(KafkaError) {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: bootstrapServers, properties: properties), idempotent: true, messageTimeoutMs: 0))
        self.init(producer: producer, configuration: configuration, stop: stop, logger: logger, flushRetried: flushRetried)
    }

    public mutating func write(_ envelope: ChangeEnvelope, json: [UInt8], topic: String, key: [UInt8]?) throws {
        try producer.enqueue(topic: topic, key: key, value: json)
        count += 1
        unacknowledged += 1
    }

    public mutating func flush() throws {
        var attempt = 1
        var delay = configuration.firstRetryDelaySeconds
        while let timeout = try flushAttempt() {
            // One line per attempt: the messages stay queued in librdkafka and are retried.
            logger.warning("Kafka has not acknowledged the batch; retrying the flush", metadata: [
                "attempt": "\(attempt)", "unacknowledged": "\(unacknowledged)", "retry_in_seconds": "\(delay)", "error": "\(timeout)",
            ])
            flushRetried?(attempt)
            try pause(seconds: delay)
            delay = min(delay * 2, configuration.maxRetryDelaySeconds)
            attempt += 1
        }
        if attempt > 1 { logger.info("Kafka acknowledged again", metadata: ["attempts": "\(attempt)", "messages": "\(unacknowledged)"]) }
        unacknowledged = 0
    }

    /// One flush: `nil` when everything was acknowledged, the timeout when some was not yet;
    /// any other failure (a message Kafka refused) is thrown.
    private func flushAttempt() throws(KafkaError) -> KafkaError? {
        do {
            try producer.flush(timeoutMs: configuration.flushAttemptMilliseconds)
            return nil
        } catch {
            guard error.isTimeout else { throw error }
            return error
        }
    }

    /// Sleeps `seconds`, waking early to give up when a stop is requested.
    private func pause(seconds: Double) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let stop, stop.isRequested { throw IngestError.flushAbandoned(unacknowledged: unacknowledged) }
            Thread.sleep(forTimeInterval: 0.05)
        }
        if let stop, stop.isRequested { throw IngestError.flushAbandoned(unacknowledged: unacknowledged) }
    }
}
