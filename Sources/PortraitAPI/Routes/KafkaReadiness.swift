import Kafka

/// Whether the server can take events: the cluster answers a metadata request for
/// `<prefix>.events` within `timeoutMs` and the topic has partitions. `/readyz` fails without it,
/// so a load balancer stops sending events to a server whose Kafka is gone.
enum KafkaReadiness {
    /// Short enough that `/readyz` answers well inside a probe's usual timeout.
    static let timeoutMs = 2_000

    static func check(_ configuration: APIConfiguration) async throws {
        let producer = configuration.producer
        let topic = "\(configuration.topicPrefix).events"
        let partitions = try await BlockingWork.run { try producer.partitionCount(topic: topic, timeoutMs: timeoutMs) }
        guard partitions > 0 else { throw KafkaError(message: "topic \(topic) has no partitions") }
    }
}
