import ArgumentParser
import Foundation
import Hummingbird
import Kafka
import Logging
import PortraitAPI
import PortraitConfig

/// `portrait serve`: the REST/JSON API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the REST/JSON API (profiles, definitions, segments, events, jobs, models) and /metrics.",
        discussion: """
            Listens on http.addr (default 127.0.0.1:8080). Every route but /healthz, /openapi.yaml and the web \
            console's files (/console/, from --console) needs `Authorization: Bearer <key>` (`portrait keys create`). Events go to <prefix>.events; definition \
            changes are published to <prefix>.control when kafka.brokers is a cluster. SIGTERM or SIGINT \
            stop accepting connections and finish the requests in flight.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Mapping whose attributes tag expressions may read (default: config/profiles.yaml).")
    var mapping: String?

    @Option(help: "The OpenAPI document served on /openapi.yaml.")
    var openapi = "web-api/openapi.yaml"

    @Option(help: "Requests per second each API key may make (0: no limit).")
    var rateLimit: Double = 1_000

    @Option(help: "Level of the access log (one line per request): trace, debug, info, notice, warning, error or critical.")
    var accessLogLevel = "info"

    @Option(help: "The web console's directory, served on /console/ (default: web-api/console when it exists).")
    var console: String?

    func run() async throws {
        let configuration = try global.bootstrap()
        let logger = Logger(label: "portrait.serve")
        let document: String
        do { document = try String(contentsOfFile: openapi, encoding: .utf8) } catch {
            throw CleanExit.message("error: cannot read the OpenAPI document \(openapi): \(error.localizedDescription)", code: 66)
        }
        guard let accessLevel = Logger.Level(rawValue: accessLogLevel) else {
            throw ValidationError("--access-log-level must be one of trace, debug, info, notice, warning, error, critical; got '\(accessLogLevel)'")
        }
        let consoleDirectory = try ConsoleDirectory.resolve(console, logger: logger)
        do {
            let kafka = try ServeKafka(configuration, logger: logger)
            var api = APIConfiguration(
                configuration, producer: kafka.producer, publishesDefinitions: kafka.isCluster,
                mapping: try ProcessorSetup.loadMapping(path: mapping), openAPIDocument: document,
                consoleDirectory: consoleDirectory)
            api.rateLimitPerSecond = max(0, rateLimit)
            api.accessLogLevel = accessLevel
            api.accessLog = Observability.accessLog(level: accessLevel, configuration)
            logger.info("serving", metadata: ["addr": "\(configuration.httpHost):\(configuration.httpPort)", "console": "\(consoleDirectory ?? "off")"])
            try await makeAPIApplication(configuration: api, logger: Logger(label: "portrait.api")).runService()
            withExtendedLifetime(kafka) {}  // the mock cluster, if any, lives until the server stopped
        } catch {
            throw CleanExit.message("error: \(error)", code: 1)
        }
    }
}

/// The producer `serve` uses: a real cluster's, or, with `kafka.brokers: mock`, one on an
/// in-process mock cluster (events are accepted but nothing else reads them).
private final class ServeKafka: Sendable {
    let producer: KafkaProducer
    let isCluster: Bool
    private let mock: KafkaMockCluster?

    init(_ configuration: PortraitConfiguration, logger: Logger) throws {
        let brokers: String
        switch configuration.kafka {
        case .cluster(let list):
            brokers = list
            mock = nil
            isCluster = true
        case .mock(let count):
            let cluster = try KafkaMockCluster(brokers: count)
            for topic in ["events", "control"] {
                try cluster.createTopic("\(configuration.topicPrefix).\(topic)", partitions: configuration.partitions)
            }
            logger.warning("kafka.brokers is `mock`: events go to an in-process mock cluster that no processor reads")
            brokers = cluster.bootstrapServers
            mock = cluster
            isCluster = false
        }
        producer = try KafkaProducer(configuration: KafkaProducerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: brokers), messageTimeoutMs: 10_000))
        if isCluster { try producer.checkReachable() }
    }
}
