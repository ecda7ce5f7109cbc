/// Every key `config/portrait.yaml` may hold, with its default. A key `a.b_c` is overridden by
/// the environment variable `PORTRAIT_A_B_C`.
public struct ConfigurationKey: Sendable {
    public let name: String
    public let defaultValue: String
    /// Marks secrets, which are never printed.
    public let isSecret: Bool

    init(_ name: String, _ defaultValue: String, secret: Bool = false) {
        self.name = name
        self.defaultValue = defaultValue
        self.isSecret = secret
    }

    public static func environmentVariable(for key: String) -> String {
        "PORTRAIT_" + key.uppercased().replacingDots()
    }

    /// The known keys. Keep in step with `config/portrait.yaml`.
    public static let all: [ConfigurationKey] = [
        ConfigurationKey("mysql.url", "mysql://portrait:portrait@127.0.0.1:3306/portrait", secret: true),
        ConfigurationKey("mysql.pool_size", "4"),
        ConfigurationKey("redis.url", "redis://127.0.0.1:6379/0", secret: true),
        ConfigurationKey("redis.pool_size", "4"),
        ConfigurationKey("kafka.brokers", "mock"),
        ConfigurationKey("kafka.mock_brokers", "3"),
        ConfigurationKey("kafka.topic_prefix", "portrait"),
        ConfigurationKey("kafka.partitions", "4"),
        ConfigurationKey("http.addr", "127.0.0.1:8080"),
        ConfigurationKey("log.level", "info"),
        ConfigurationKey("log.format", "text"),
        ConfigurationKey("metrics.enabled", "true"),
        ConfigurationKey("history.archive_dir", ".portrait/archive"),
        ConfigurationKey("history.archive_retention_days", "0"),
        ConfigurationKey("history.kafka_retention_hours", "168"),
    ]

    static let byName: [String: ConfigurationKey] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}

private extension String {
    func replacingDots() -> String {
        String(map { $0 == "." ? "_" : $0 })
    }
}
