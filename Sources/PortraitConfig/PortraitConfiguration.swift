import MySQL
import Redis

/// Portrait's validated configuration: built once at start-up from `config/portrait.yaml`
/// and `PORTRAIT_…` environment variables (see `PortraitConfiguration+Reader.swift`).
public struct PortraitConfiguration: Sendable {
    /// Where Kafka is.
    public enum KafkaBrokers: Sendable, Equatable {
        /// An in-process librdkafka mock cluster with this many brokers.
        case mock(brokers: Int)
        /// A real cluster's bootstrap list, `host:port,…`.
        case cluster(String)
    }

    /// Log output shape.
    public enum LogFormat: String, Sendable { case text, json }

    /// Portrait's metadata database. Default: `mysql://portrait:portrait@127.0.0.1:3306/portrait`.
    public var mysql: MySQLConfiguration
    /// Default: 4.
    public var mysqlPoolSize: Int
    /// Profiles and engine state. Default: `redis://127.0.0.1:6379/0`.
    public var redis: RedisConfiguration
    /// Default: 4.
    public var redisPoolSize: Int
    /// Default: `.mock(brokers: 3)`.
    public var kafka: KafkaBrokers
    /// Prefix of every topic Portrait owns (`portrait.events`, `portrait.control`…). Default: `portrait`.
    public var topicPrefix: String
    /// Partitions of topics Portrait creates. Default: 4.
    public var partitions: Int
    /// The API's listen address. Default: `127.0.0.1:8080` (loopback only).
    public var httpHost: String
    /// Default: 8080.
    public var httpPort: Int
    /// `trace`…`critical`. Default: `info`.
    public var logLevel: String
    /// Default: `.text`.
    public var logFormat: LogFormat
    /// Whether to collect Prometheus metrics. Default: `true`.
    public var metricsEnabled: Bool
    /// Where `portrait archive` keeps input history beyond Kafka's retention. Default: `.portrait/archive`.
    public var archiveDirectory: String
    /// Days the archive keeps; 0 keeps everything. Default: 0.
    public var archiveRetentionDays: Int
    /// How long the Kafka cluster keeps input topics, in hours (for the window check). Default: 168.
    public var kafkaRetentionHours: Int
}
