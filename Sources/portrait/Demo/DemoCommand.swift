import ArgumentParser
import Foundation
import Hummingbird
import Kafka
import Logging
import MySQL
import PortraitConfig
import PortraitCore
import PortraitIngest
import PortraitAPI
import PortraitMetadata
import PortraitProcessor
import Redis
import Synchronization

/// `portrait demo`: the whole loop in one process — an in-process mock Kafka, a sample shop in
/// MariaDB with live traffic, ingest, the processor, example definitions — until Ctrl-C.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start a mock Kafka, a sample shop with traffic, ingest, the processor and the API in one process.",
        discussion: "Needs `scripts/services up` (scripts/demo does it). Re-creates the `shop` database and empties the configured Redis database.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Users in the sample shop.")
    var users = 1_000

    @Option(help: "Changes and events per second generated.")
    var rate = 200

    @Option(help: "Stop after this many seconds (default: run until Ctrl-C).")
    var seconds: Int?

    func run() async throws {
        let configuration = try global.bootstrap()
        let logger = Logger(label: "portrait.demo")
        let prefix = configuration.topicPrefix
        let mapping: ProfileMapping
        do { mapping = try ProcessorSetup.loadMapping(path: nil) } catch { throw CleanExit.message("error: \(error)", code: 78) }

        // Kafka: the embedded mock unless a real cluster is configured.
        var mock: KafkaMockCluster?
        let brokers: String
        switch configuration.kafka {
        case .cluster(let list): brokers = list
        case .mock(let count):
            let cluster = try KafkaMockCluster(brokers: count, logger: logger)
            for table in ["users", "orders"] { try cluster.createTopic("\(prefix).cdc.\(DemoShop.database).\(table)", partitions: configuration.partitions) }
            try cluster.createTopic("\(prefix).events", partitions: configuration.partitions)
            try cluster.createTopic("\(prefix).control", partitions: 1)
            try cluster.createTopic("\(prefix).dlq", partitions: 1)
            brokers = cluster.bootstrapServers
            mock = cluster
        }
        defer { withExtendedLifetime(mock) {} }

        // Metadata, the shop, a clean slate for this demo's ingest and profiles.
        let metadata = try MySQLConnection(configuration: configuration.mysql)
        _ = try MigrationRunner(connection: metadata).apply(try Migration.load(directory: "migrations"))
        var random = SystemRandomNumberGenerator()
        try DemoShop.create(on: metadata, users: users, random: &random)
        try PositionStore(connection: metadata, ingestName: "demo").reset()
        try SnapshotProgressStore(connection: metadata, ingestName: "demo").reset()
        try SchemaHistoryStore(connection: metadata, ingestName: "demo").reset()
        _ = try RedisConnection(configuration: configuration.redis).command("FLUSHDB")
        let store = DefinitionStore(connection: metadata)
        let installed = try DemoDefinitions.install(store: store, validator: ProcessorSetup.validator(for: mapping))

        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: brokers)))
        let publisher = DefinitionPublisher(connection: metadata, producer: producer, topic: "\(prefix).control")
        try await publisher.publishPending()

        // The roles, each on its own thread.
        let stop = StopFlag()
        let ingestStop = IngestStopSignal()
        let ingestOptions = IngestOptions(
            mysqlURL: configuration.mysql.url, kafkaBootstrap: brokers, includes: ["\(DemoShop.database).*"], serverId: 0x5044,
            ingestName: "demo", keyColumns: ["\(DemoShop.database).orders": "user_id"], topicPrefix: "\(prefix).cdc", stop: ingestStop)
        var ingestLogger = Logger(label: "portrait.ingest")
        ingestLogger.logLevel = .warning  // its per-DDL and per-snapshot notes would drown the demo's own output
        let quietIngestLogger = ingestLogger
        let ingest = DemoRole(name: "ingest") { try runIngest(ingestOptions, logger: quietIngestLogger) }

        let catalog = try ProcessorSetup.seededCatalog(mapping: mapping, mysql: configuration.mysql, timeTickMs: 3_600_000)
        let control = try ControlListener(bootstrapServers: brokers, topic: "\(prefix).control", catalog: catalog, logger: logger)
        control.start()
        var options = ProcessorOptions(bootstrapServers: brokers, mapping: mapping)
        options.topicPrefix = prefix
        options.groupId = "portrait-demo"
        options.shouldStop = { stop.isSet }
        let scoring = try ModelScoring.attach(to: &options, catalog: catalog, mysql: configuration.mysql, logger: logger)
        let modelPoll = PeriodicTask(name: "portrait-model-poll", every: 5) { scoring.refresh() }
        defer { modelPoll.stop() }
        let profiles = RedisProfileStore(connection: try RedisConnection(configuration: configuration.redis))
        let processorOptions = options
        let processor = DemoRole(name: "processor") {
            try ProfileProcessor(options: processorOptions, store: profiles, catalog: catalog, logger: Logger(label: "portrait.process")).run()
        }
        let traffic = DemoTraffic()
        traffic.start(mysql: configuration.mysql, producer: producer, eventsTopic: "\(prefix).events", users: users, ratePerSecond: rate)

        // The API, with an admin key made for this run (the key is printed, never stored in clear).
        let adminKey = try APIKeyStore(connection: metadata).create(name: "demo-\(UUID().uuidString.prefix(8))", role: .admin, createdBy: "demo")
        let api = APIConfiguration(
            configuration, producer: producer, publishesDefinitions: true, mapping: mapping,
            openAPIDocument: (try? String(contentsOfFile: "web-api/openapi.yaml", encoding: .utf8)) ?? "",
            consoleDirectory: try ConsoleDirectory.resolve(nil, logger: logger))
        let server = Task { try await makeAPIApplication(configuration: api, logger: Logger(label: "portrait.api")).runService(gracefulShutdownSignals: []) }

        let signals = onTerminationSignals { stop.set() }
        defer { signals.forEach { $0.cancel() } }
        Self.printWelcome(users: users, installed: installed, brokers: mock == nil ? brokers : "embedded mock (\(brokers))",
                          redis: configuration.redis.endpoint, api: "http://\(configuration.httpHost):\(configuration.httpPort)", key: adminKey.text)

        // Publish definition changes made meanwhile (CLI in another shell) and report progress.
        let started = Date()
        var lastReport = Date()
        while !stop.isSet, !ingest.hasFailed, !processor.hasFailed {
            if let seconds, Date().timeIntervalSince(started) >= Double(seconds) { break }
            try? await Task.sleep(for: .seconds(1))
            if (try? await publisher.publishPending()) ?? 0 > 0 { logger.info("published definition changes") }
            if Date().timeIntervalSince(lastReport) >= 10 {
                lastReport = Date()
                let sample = (try? profiles.profile("1")) ?? [:]
                print("demo: \(traffic.summary); user 1 tags: \(sample.filter { $0.key.hasPrefix("t.") }.sorted { $0.key < $1.key }.map { "\($0.key.dropFirst(2))=\($0.value)" }.joined(separator: " "))")
                fflush(nil)
            }
        }

        print("demo: stopping")
        traffic.stop()
        server.cancel()
        ingestStop.requestStop()
        stop.set()
        ingest.wait()
        processor.wait()
        control.stop()
        print("demo: stopped (\(traffic.summary))")
        if let failure = ingest.failure ?? processor.failure { throw CleanExit.message("error: \(failure)", code: 1) }
    }

    static func printWelcome(users: Int, installed: Int, brokers: String, redis: String, api: String, key: String) {
        print("""

            Portrait demo is running: \(users) shop users with live orders and behaviour events.
              Kafka:  \(brokers)
              Redis:  \(redis)  (profiles p:{userId}, tag bitmaps bm:*)
              API:    \(api)   (admin key for this run: \(key))
              Console: \(api)/console/#key=\(key)   (open it in a browser)
              Example definitions active at their examples (\(installed) created or restored): metrics orders_30d,
              spend_30d, views_1d, categories_30d, last_order; tags high_value, frequent_buyer, window_shopper,
              churn_risk, value_tier, city_tier.

            Try, in another shell (eval "$(scripts/services env)" first):
              curl -s -H 'Authorization: Bearer \(key)' \(api)/v1/profiles/42
              curl -s -H 'Authorization: Bearer \(key)' -d '{"expression":"tag.frequent_buyer and not tag.high_value"}' \(api)/v1/segments:count
              redis-cli HGETALL 'p:{42}'
              .build/release/portrait tags list
              .build/release/portrait tags create big_spender --expression 'metric.spend_30d > 800' --status active --dry-run 42
              .build/release/portrait tags create big_spender --expression 'metric.spend_30d > 800' --status active
              .build/release/portrait tags update high_value --expression 'metric.spend_30d > 300'   (applied live)
            Ctrl-C stops the demo.

            """)
        fflush(nil)  // into a pipe or file too: scripts (scripts/console-check) read the key now, not at exit
    }
}

/// A blocking role (ingest, processor) on a thread of its own, with its failure kept.
final class DemoRole: Sendable {
    private let state = Mutex<(done: Bool, failure: String?)>((false, nil))

    init(name: String, _ body: @escaping @Sendable () throws -> Void) {
        let thread = Thread { [self] in
            do { try body() } catch { state.withLock { $0.failure = "\(name): \(error)" } }
            state.withLock { $0.done = true }
        }
        thread.name = "portrait-\(name)"
        thread.start()
    }

    var hasFailed: Bool { state.withLock { $0.failure != nil } }
    var failure: String? { state.withLock { $0.failure } }

    func wait() {
        while !state.withLock({ $0.done }) { Thread.sleep(forTimeInterval: 0.05) }
    }
}
