internal import CRdKafka
import Logging

/// librdkafka's in-process mock cluster: the real Kafka protocol over loopback TCP on random
/// ports, for tests and the embedded demo. Everything is lost when it is deinitialised.
// @unchecked: the two pointers are set once in init and only read; the mock cluster API is
// thread-safe (it runs its own broker threads and locks internally).
public final class KafkaMockCluster: @unchecked Sendable {
    private let host: RDKafkaClient
    private let cluster: OpaquePointer
    /// The `host:port,…` list to give clients as `bootstrap.servers`.
    public let bootstrapServers: String

    public init(brokers: Int = 3, logger: Logger = Logger(label: "portrait.kafka.mock")) throws(KafkaError) {
        // The mock cluster needs a client handle to live in; it must not itself use the mock.
        host = try RDKafkaClient(kind: .producer, properties: ["log_level": "3"], callbacks: RDKafkaCallbacks(logger: logger))
        guard let cluster = rd_kafka_mock_cluster_new(host.handle, Int32(brokers)) else {
            throw KafkaError(message: "cannot start a mock Kafka cluster with \(brokers) brokers")
        }
        self.cluster = cluster
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
    }

    /// Creates `topic` with `partitions` partitions unless it exists (auto-created topics get 4).
    public func createTopic(_ topic: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaError) {
        let error = rd_kafka_mock_topic_create(cluster, topic, Int32(partitions), Int32(replicationFactor))
        if error != RD_KAFKA_RESP_ERR_NO_ERROR && error != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
            throw RDKafkaClient.error(error, "cannot create mock topic \(topic)")
        }
    }

    /// Takes broker `id` (1…brokers) down: its connections are closed and new ones refused,
    /// as when a broker process dies. Its partitions keep it as leader, so nothing can be
    /// produced to them until `setBrokerUp`.
    public func setBrokerDown(_ id: Int) throws(KafkaError) {
        let error = rd_kafka_mock_broker_set_down(cluster, Int32(id))
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw RDKafkaClient.error(error, "cannot take mock broker \(id) down") }
    }

    /// Brings broker `id` back after `setBrokerDown`.
    public func setBrokerUp(_ id: Int) throws(KafkaError) {
        let error = rd_kafka_mock_broker_set_up(cluster, Int32(id))
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw RDKafkaClient.error(error, "cannot bring mock broker \(id) up") }
    }
}
