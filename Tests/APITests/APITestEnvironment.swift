import Foundation
import Hummingbird
import HummingbirdTesting
import Kafka
import Logging
import MySQL
import PortraitAPI
import PortraitMetadata
import PortraitProcessor
import Redis
import Testing

/// The real services the API tests run against: a scratch database `portrait_test_api` with
/// every migration, Redis database 11 (emptied), and an in-process mock Kafka cluster.
/// Start them with `scripts/services up`.
struct APITestEnvironment {
    static let environment = ProcessInfo.processInfo.environment
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let mysql: MySQLConnection
    let mysqlConfiguration: MySQLConfiguration
    let redis: RedisConnection
    let redisConfiguration: RedisConfiguration
    let cluster: KafkaMockCluster
    let producer: KafkaProducer
    /// `Authorization` values for a key of each role.
    let admin: String, collector: String, reader: String

    init() throws {
        var base = try MySQLConfiguration(url: Self.environment["PORTRAIT_MYSQL_URL"] ?? "mysql://portrait:portrait@127.0.0.1:3306/portrait")
        let server = try MySQLConnection(configuration: base)
        try server.executeText("DROP DATABASE IF EXISTS `portrait_test_api`")
        try server.executeText("CREATE DATABASE `portrait_test_api` CHARACTER SET utf8mb4")
        base.database = "portrait_test_api"
        mysqlConfiguration = base
        mysql = try MySQLConnection(configuration: base)
        try MigrationRunner(connection: mysql).apply(try Migration.load(directory: Self.root.appendingPathComponent("migrations").path))

        var redisConfiguration = try RedisConfiguration(url: Self.environment["PORTRAIT_REDIS_URL"] ?? "redis://127.0.0.1:6379/0")
        redisConfiguration.database = 11
        self.redisConfiguration = redisConfiguration
        redis = try RedisConnection(configuration: redisConfiguration)
        _ = try redis.command("FLUSHDB")

        cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("apitest.events", partitions: 1)
        try cluster.createTopic("apitest.control", partitions: 1)
        producer = try KafkaProducer(configuration: KafkaProducerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: cluster.bootstrapServers), messageTimeoutMs: 10_000))

        let keys = APIKeyStore(connection: mysql)
        admin = "Bearer " + (try keys.create(name: "test-admin", role: .admin, createdBy: "tests")).text
        collector = "Bearer " + (try keys.create(name: "test-collector", role: .collector, createdBy: "tests")).text
        reader = "Bearer " + (try keys.create(name: "test-reader", role: .reader, createdBy: "tests")).text
    }

    var openAPIDocument: String {
        (try? String(contentsOf: Self.root.appendingPathComponent("web-api/openapi.yaml"), encoding: .utf8)) ?? ""
    }

    /// Keys are checked with MySQL on every request (no cache), so revocations show at once.
    func configuration(publishesDefinitions: Bool = false, mapping: ProfileMapping = ProfileMapping()) -> APIConfiguration {
        var configuration = APIConfiguration(
            redis: redisConfiguration, mysql: mysqlConfiguration, producer: producer, publishesDefinitions: publishesDefinitions,
            topicPrefix: "apitest", mapping: mapping, host: "127.0.0.1", port: 0, redisPoolSize: 2, mysqlPoolSize: 2, openAPIDocument: openAPIDocument)
        configuration.keyCacheSeconds = 0
        return configuration
    }

    /// Runs `body` against the application in-process: through the router alone by default,
    /// or over a real socket with `.live` (Hummingbird's HTTP server and event loops included).
    func withClient(
        publishesDefinitions: Bool = false, mapping: ProfileMapping = ProfileMapping(),
        logger: Logger = Logger(label: "portrait.api"), mode: TestingSetup = .router,
        configure: (inout APIConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        var configuration = configuration(publishesDefinitions: publishesDefinitions, mapping: mapping)
        configure(&configuration)
        try await makeAPIApplication(configuration: configuration, logger: logger).test(mode, body)
    }
}

extension TestClientProtocol {
    /// Sends a request and returns the status with the body parsed as a JSON object.
    func call(_ method: HTTPRequest.Method, _ uri: String, auth: String?, body: String? = nil) async throws -> (HTTPResponse.Status, [String: Any]) {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let auth { headers[.authorization] = auth }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let data = Data(response.body.readableBytesView)
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            return (response.status, object)
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    /// `error.code` of an error answer.
    var errorCode: String? { (self["error"] as? [String: Any])?["code"] as? String }
    var error: [String: Any] { self["error"] as? [String: Any] ?? [:] }
}
