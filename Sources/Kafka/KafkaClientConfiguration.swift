/// Settings shared by every Kafka client: where the brokers are plus raw librdkafka properties.
public struct KafkaClientConfiguration: Sendable {
    /// Comma-separated `host:port` list. Default: `127.0.0.1:9092`.
    public var bootstrapServers: String
    /// Extra librdkafka properties (see librdkafka's CONFIGURATION.md), applied last. Default: empty.
    public var properties: [String: String]

    public init(bootstrapServers: String = "127.0.0.1:9092", properties: [String: String] = [:]) {
        self.bootstrapServers = bootstrapServers
        self.properties = properties
    }

    /// All properties handed to librdkafka, `bootstrap.servers` included.
    func allProperties(adding defaults: [String: String]) -> [String: String] {
        var all = defaults
        all["bootstrap.servers"] = bootstrapServers
        for (key, value) in properties { all[key] = value }
        return all
    }
}
