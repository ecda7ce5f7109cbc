internal import CRdKafka
import Logging

/// Topic administration, against a real cluster (the Admin API) or the in-process mock
/// (whose brokers in librdkafka 2.0.2 do not implement CreateTopics, so it is asked directly).
public struct KafkaAdmin: Sendable {
    private let client: RDKafkaClient
    private let mock: KafkaMockCluster?

    public init(configuration: KafkaClientConfiguration, logger: Logger = Logger(label: "portrait.kafka.admin")) throws(KafkaError) {
        client = try RDKafkaClient(kind: .producer, properties: configuration.allProperties(adding: [:]), callbacks: RDKafkaCallbacks(logger: logger))
        mock = nil
    }

    /// An admin for the mock cluster: topics are created through the mock's own API.
    public init(mock cluster: KafkaMockCluster, logger: Logger = Logger(label: "portrait.kafka.admin")) throws(KafkaError) {
        client = try RDKafkaClient(
            kind: .producer, properties: ["bootstrap.servers": cluster.bootstrapServers], callbacks: RDKafkaCallbacks(logger: logger))
        mock = cluster
    }

    /// Creates `name` unless it exists. `config` holds topic settings such as `cleanup.policy`
    /// (the mock cluster ignores them).
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1, config: [String: String] = [:], timeoutMs: Int = 10_000) throws(KafkaError) {
        if let mock {
            try mock.createTopic(name, partitions: partitions, replicationFactor: replicationFactor)
            return
        }
        var errorText = [CChar](repeating: 0, count: 512)
        guard let newTopic = rd_kafka_NewTopic_new(name, Int32(partitions), Int32(replicationFactor), &errorText, errorText.count) else {
            throw KafkaError(message: "invalid topic \(name): \(text(of: errorText))")
        }
        defer { rd_kafka_NewTopic_destroy(newTopic) }
        for (key, value) in config { rd_kafka_NewTopic_set_config(newTopic, key, value) }

        let queue = rd_kafka_queue_new(client.handle)
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(client.handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        rd_kafka_AdminOptions_set_operation_timeout(options, Int32(timeoutMs), &errorText, errorText.count)
        var topics: [OpaquePointer?] = [newTopic]
        rd_kafka_CreateTopics(client.handle, &topics, 1, options, queue)

        guard let event = rd_kafka_queue_poll(queue, Int32(timeoutMs + 1_000)) else {
            throw KafkaError(code: -185, message: "no answer to CreateTopics for \(name) from \(client.bootstrapServers) within \(timeoutMs) ms")
        }
        defer { rd_kafka_event_destroy(event) }
        if rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw RDKafkaClient.error(rd_kafka_event_error(event), "cannot create topic \(name)")
        }
        var count = 0
        guard let result = rd_kafka_event_CreateTopics_result(event),
              let results = rd_kafka_CreateTopics_result_topics(result, &count), count > 0 else { return }
        let error = rd_kafka_topic_result_error(results[0])
        if error != RD_KAFKA_RESP_ERR_NO_ERROR && error != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
            throw RDKafkaClient.error(error, "cannot create topic \(name)")
        }
    }

    /// Fails with one clear error naming the brokers when they do not answer within `timeoutMs`.
    public func checkReachable(timeoutMs: Int = 5_000) throws(KafkaError) {
        try client.checkReachable(timeoutMs: Int32(timeoutMs))
    }
}
