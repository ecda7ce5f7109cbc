import Kafka
import PortraitAPI
import PortraitConfig
import PortraitProcessor

extension APIConfiguration {
    /// The API as `serve` and `demo` run it: endpoints, pools and `/metrics` from the configuration.
    init(_ configuration: PortraitConfiguration, producer: KafkaProducer, publishesDefinitions: Bool, mapping: ProfileMapping, openAPIDocument: String, consoleDirectory: String?) {
        self.init(
            redis: configuration.redis, mysql: configuration.mysql, producer: producer, publishesDefinitions: publishesDefinitions,
            topicPrefix: configuration.topicPrefix, mapping: mapping, host: configuration.httpHost, port: configuration.httpPort,
            redisPoolSize: configuration.redisPoolSize, mysqlPoolSize: configuration.mysqlPoolSize, openAPIDocument: openAPIDocument,
            metricsText: configuration.metricsEnabled ? Self.prometheusText : nil, consoleDirectory: consoleDirectory)
    }

    /// `/metrics` in the Prometheus text format, from the registry the executable bootstrapped.
    @Sendable private static func prometheusText() -> String { Observability.registry.emitToString() }
}
