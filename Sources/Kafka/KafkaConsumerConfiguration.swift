/// Consumer-group settings. Offsets are committed only by the application (`enable.auto.commit=false`).
public struct KafkaConsumerConfiguration: Sendable {
    /// How partitions move between group members.
    public enum RebalanceProtocol: String, Sendable {
        /// Stop-the-world: every member gives up everything, then gets a new assignment.
        case eager
        /// Incremental: only the partitions that move are revoked (`cooperative-sticky`).
        case cooperative
    }

    /// Brokers and raw properties. Default: `127.0.0.1:9092`.
    public var client: KafkaClientConfiguration
    /// The consumer group. Required.
    public var groupId: String
    /// Where a partition without a committed offset starts: `earliest` or `latest`. Default: `earliest`.
    public var autoOffsetReset: String
    /// How long the group waits for a silent member before rebalancing. Default: 10 000 ms.
    public var sessionTimeoutMs: Int
    /// Default: `.eager`.
    public var rebalanceProtocol: RebalanceProtocol
    /// How long the group waits between two polls before it evicts this member. Default: librdkafka's 300 000 ms.
    public var maxPollIntervalMs: Int?

    public init(
        client: KafkaClientConfiguration = .init(), groupId: String, autoOffsetReset: String = "earliest",
        sessionTimeoutMs: Int = 10_000, rebalanceProtocol: RebalanceProtocol = .eager, maxPollIntervalMs: Int? = nil
    ) {
        self.maxPollIntervalMs = maxPollIntervalMs
        self.client = client
        self.groupId = groupId
        self.autoOffsetReset = autoOffsetReset
        self.sessionTimeoutMs = sessionTimeoutMs
        self.rebalanceProtocol = rebalanceProtocol
    }

    var properties: [String: String] {
        var properties = client.allProperties(adding: [
            "group.id": groupId,
            "enable.auto.commit": "false",
            "enable.auto.offset.store": "false",
            "auto.offset.reset": autoOffsetReset,
            "session.timeout.ms": String(sessionTimeoutMs),
            "heartbeat.interval.ms": String(max(100, sessionTimeoutMs / 5)),
            "partition.assignment.strategy": rebalanceProtocol == .eager ? "range,roundrobin" : "cooperative-sticky",
        ])
        if let maxPollIntervalMs { properties["max.poll.interval.ms"] = String(maxPollIntervalMs) }
        return properties
    }
}
