import Kafka
import Logging
import MySQL
import PortraitProcessor
import Redis

/// Everything `portrait serve` (or `portrait demo`, in-process) needs to run the API.
public struct APIConfiguration: Sendable {
    /// Where profiles, state and bitmaps live.
    public var redis: RedisConfiguration
    /// The metadata database: definitions and API keys.
    public var mysql: MySQLConfiguration
    /// Producer for `<prefix>.events` (and `<prefix>.control` when ``publishesDefinitions``).
    public var producer: KafkaProducer
    /// Whether definition changes are published to `<prefix>.control` right away: true for a
    /// real cluster; false for a mock nobody else reads (the demo publishes itself), as in the CLI.
    public var publishesDefinitions: Bool
    /// Topics are `<prefix>.events` and `<prefix>.control`. Default: `portrait`.
    public var topicPrefix: String
    /// The profile mapping: its attributes are what tag expressions may read.
    public var mapping: ProfileMapping
    /// Listening address. Default: 127.0.0.1:8080 (loopback).
    public var host: String
    public var port: Int
    /// Connections in the Redis pool. Default: 4.
    public var redisPoolSize: Int
    /// Connections in the MySQL pool. Default: 4.
    public var mysqlPoolSize: Int
    /// Requests per second each API key may make (the bucket holds two seconds' worth); 0
    /// means no limit. Default: 1000.
    public var rateLimitPerSecond: Double = 1_000
    /// How long an accepted key is trusted without asking MySQL again (also how soon a
    /// revocation takes effect). Default: 5 s.
    public var keyCacheSeconds: Double = 5
    /// Longest a request may take before it is answered 503 `timeout`. Default: 10 s.
    public var requestTimeoutSeconds: Double = 10
    /// An idle keep-alive connection is closed after this long. Default: 60 s.
    public var idleTimeoutSeconds: Int = 60
    /// Whether each connection's requests run on its event loop (a task executor preference)
    /// rather than on Swift's global concurrent pool; off only to measure the difference.
    /// Default: true.
    public var handlersOnEventLoop = true
    /// Whether `GET /v1/profiles/{userId}` is answered in the channel pipeline, before
    /// Hummingbird (``ProfileFastPath``), when the request and the key cache allow; the same
    /// answers as the route. Needs ``handlersOnEventLoop``. Off only to compare. Default: true.
    public var profileFastPath = true
    /// Counts the requests the fast path answered (tests tell the two paths apart with it).
    public var servingCounters = ServingCounters()
    /// The level of the per-request access log lines. Default: info.
    public var accessLogLevel: Logger.Level = .info
    /// Where the access log lines go: nil, through the request's `Logger` at ``accessLogLevel``
    /// (filtered by its handler's level); set (`portrait serve`), written by its
    /// ``AccessLogWriter`` at its own level, built without a `Logger` (docs/ARCHITECTURE.md).
    public var accessLog: AccessLog?
    /// The OpenAPI document served on `/openapi.yaml` (read once at start).
    public var openAPIDocument: String
    /// The Prometheus text for `GET /metrics`; `nil` answers 404 (the executable owns the
    /// metrics backend, libraries never choose one). Default: nil.
    public var metricsText: (@Sendable () -> String)?
    /// The web console's files (`web-api/console`), served under `/console/` without a key;
    /// `nil` turns the console off (its routes answer 404). Default: nil.
    public var consoleDirectory: String?

    public init(
        redis: RedisConfiguration, mysql: MySQLConfiguration, producer: KafkaProducer, publishesDefinitions: Bool,
        topicPrefix: String = "portrait", mapping: ProfileMapping = ProfileMapping(), host: String = "127.0.0.1", port: Int = 8080,
        redisPoolSize: Int = 4, mysqlPoolSize: Int = 4, openAPIDocument: String, metricsText: (@Sendable () -> String)? = nil,
        consoleDirectory: String? = nil
    ) {
        self.redis = redis
        self.mysql = mysql
        self.producer = producer
        self.publishesDefinitions = publishesDefinitions
        self.topicPrefix = topicPrefix
        self.mapping = mapping
        self.host = host
        self.port = port
        self.redisPoolSize = redisPoolSize
        self.mysqlPoolSize = mysqlPoolSize
        self.openAPIDocument = openAPIDocument
        self.metricsText = metricsText
        self.consoleDirectory = consoleDirectory
    }
}
