/// An error from Kafka: librdkafka's error code with its message, or a local failure.
public struct KafkaError: Error, CustomStringConvertible, Sendable, Equatable {
    /// librdkafka's `rd_kafka_resp_err_t` value (negative for local errors, 0 when not from librdkafka).
    public let code: Int32
    /// What went wrong, in words a user can act on.
    public let message: String

    public init(code: Int32 = 0, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "Kafka error: \(message)" + (code == 0 ? "" : " (code \(code))") }

    /// The message could not be delivered within `message.timeout.ms` (librdkafka's `_MSG_TIMED_OUT`).
    public var isTimeout: Bool { code == -192 || code == -185 }

    static func unreachable(_ brokers: String, detail: String) -> KafkaError {
        KafkaError(code: -195, message: "cannot reach Kafka brokers at \(brokers): \(detail)")
    }
}
