import Kafka
import Logging
import MySQL
import NIOCore
import PortraitCore
import PortraitMetadata
import PortraitModels
import PortraitProcessor
import Redis

/// The shared clients every route uses: connection pools, the Kafka producer, the validator
/// built from the mapping and the model registry, and the publisher of definition versions.
final class APIServices: Sendable {
    let configuration: APIConfiguration
    /// Every Redis read and write of a request: non-blocking, pipelined.
    let redis: RedisClient
    /// Only for ``SavedSegmentSizer``, which the scheduler's `segment_sizes` job shares and
    /// which runs with MySQL on ``BlockingWork``'s threads.
    let blockingRedis: RedisPool
    let mysql: MySQLPool
    let publisher: DefinitionPublishing?
    let keyGate: KeyGate
    let logger: Logger

    init(configuration: APIConfiguration, logger: Logger) {
        self.configuration = configuration
        keyGate = KeyGate(ttl: .milliseconds(Int64(configuration.keyCacheSeconds * 1_000)), ratePerSecond: configuration.rateLimitPerSecond)
        // redisPoolSize is the total; pipelining makes one or two per event loop plenty.
        let loops = System.coreCount
        redis = RedisClient(configuration: configuration.redis, connectionsPerEventLoop: max(1, (configuration.redisPoolSize + loops - 1) / loops))
        blockingRedis = RedisPool(configuration: configuration.redis, size: configuration.redisPoolSize)
        mysql = MySQLPool(configuration: configuration.mysql, size: configuration.mysqlPoolSize)
        publisher = configuration.publishesDefinitions
            ? DefinitionPublishing(mysql: configuration.mysql, producer: configuration.producer, topic: "\(configuration.topicPrefix).control")
            : nil
        self.logger = logger
    }

    /// The validator for definitions: the mapping's attributes and the models registered now
    /// (tags may read `model.<name>.score`), read on `connection`.
    func validator(_ connection: MySQLConnection) throws -> DefinitionValidator {
        DefinitionValidator(attributes: configuration.mapping.attributeTypes, models: try ModelRegistry(connection: connection).names())
    }

    /// Runs `body` with a MySQL connection on ``BlockingWork``'s bounded threads, off the
    /// cooperative pool.
    func withMySQL<T: Sendable>(_ body: @escaping @Sendable (MySQLConnection) throws -> T) async throws -> T {
        let pool = mysql
        return try await BlockingWork.run { try pool.withConnection(body) }
    }
}

/// Sends pending definition versions to `<prefix>.control`, one publish at a time (two
/// overlapping publishes would send the same pending versions twice). Its own connection
/// is opened on first use; the publisher's MySQL calls are short and admin writes are rare.
actor DefinitionPublishing {
    private let mysql: MySQLConfiguration
    private let producer: KafkaProducer
    private let topic: String
    private var connection: MySQLConnection?

    init(mysql: MySQLConfiguration, producer: KafkaProducer, topic: String) {
        self.mysql = mysql
        self.producer = producer
        self.topic = topic
    }

    /// Returns how many versions were sent.
    func publishPending() async throws -> Int {
        let mysql = self.mysql
        // Connecting blocks: not on the cooperative pool.
        let connection: MySQLConnection
        if let open = self.connection { connection = open } else {
            connection = try await BlockingWork.run { try MySQLConnection(configuration: mysql) }
            self.connection = connection
        }
        return try await DefinitionPublisher(connection: connection, producer: producer, topic: topic).publishPending()
    }
}
