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

    /// A group-membership change got in the way (a commit during a rebalance, or by a member
    /// the group evicted): the consumer rejoins on its next poll, so this is routine, not fatal.
    /// Codes: ILLEGAL_GENERATION 22, UNKNOWN_MEMBER_ID 25, REBALANCE_IN_PROGRESS 27,
    /// `_ASSIGNMENT_LOST` -142, `_STATE` -172.
    public var isGroupMembershipChange: Bool { [22, 25, 27, -142, -172].contains(code) }

    static func unreachable(_ brokers: String, detail: String) -> KafkaError {
        KafkaError(code: -195, message: "cannot reach Kafka brokers at \(brokers): \(detail)")
    }
}
