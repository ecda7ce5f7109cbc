import Foundation
import Kafka
import Logging
import PortraitCore
import PortraitModels
import PortraitProcessor
import Redis
import Synchronization

/// A live processor in this process on a mock Kafka cluster, writing Redis database 6, scoring
/// with the registry's active versions through an ``ActiveModelsRefresher`` the test drives
/// (``refresh()`` stands for one registry poll). Events go to `mp.events` (2 partitions).
final class ModelPipelineHarness: Sendable {
    static let prefix = "mp"
    let cluster: KafkaMockCluster
    let refresher: ActiveModelsRefresher
    let catalog: DefinitionCatalog
    /// The processor's options (a recompute runs with the same computation and scorers).
    let options: ProcessorOptions
    private let producer: KafkaProducer
    private let run = RunState()

    /// Shared with the processor's thread.
    final class RunState: Sendable {
        let stop = Atomic<Bool>(false)
        let finished = Mutex<(done: Bool, error: String?)>((false, nil))
    }

    init(env: ModelTestEnvironment, metrics: [MetricDefinition], tags: [TagDefinition], observe: (@Sendable (WrittenProfiles) -> Void)? = nil) throws {
        cluster = try KafkaMockCluster(brokers: 1)
        for (topic, partitions) in [("events", 2), ("dlq", 1), ("control", 1)] {
            try cluster.createTopic("\(Self.prefix).\(topic)", partitions: partitions)
        }
        producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: cluster.bootstrapServers), lingerMs: 1))
        catalog = DefinitionCatalog(validator: DefinitionValidator())
        catalog.update(metrics: metrics.map { .init($0, version: 1) }, tags: tags.map { .init($0, version: 1) })
        let models = ActiveModels()
        refresher = ActiveModelsRefresher(registry: env.registry, models: models, catalog: catalog, logger: Logger(label: "test.models"))

        var mapping = ProfileMapping()
        mapping.eventTopics = ["events"]
        var options = ProcessorOptions(bootstrapServers: cluster.bootstrapServers, mapping: mapping)
        options.topicPrefix = Self.prefix
        options.groupId = "model-pipeline"
        options.followWallClock = false
        options.watermarkDelayMs = 0
        options.scorers = { Array(models.snapshot().values) }
        options.onProfilesWritten = observe
        let run = run
        options.shouldStop = { run.stop.load(ordering: .relaxed) }
        self.options = options
        let processor = try ProfileProcessor(
            options: options, store: RedisProfileStore(connection: try env.redisConnection()), catalog: catalog, logger: Logger(label: "test.process"))
        // ProfileProcessor is not Sendable: it is handed to its thread and never touched here again.
        nonisolated(unsafe) let owned = processor
        Thread {
            do { try owned.run() } catch { run.finished.withLock { $0.error = "\(error)" } }
            run.finished.withLock { $0.done = true }
        }.start()
    }

    /// One registry poll, as the executable's timer does it.
    @discardableResult
    func refresh() throws -> ActiveModelsRefresher.Changes { try refresher.refresh() }

    /// Produces `type` events for `user` at `timeMs`, keyed by user (its partition).
    func produce(_ user: String, _ type: String, at timeMs: Int64, count: Int = 1) throws {
        let json = #"{"user_id":"\#(user)","type":"\#(type)","ts":\#(timeMs)}"#
        for _ in 0..<count { try producer.enqueue(topic: "\(Self.prefix).events", key: Array(user.utf8), value: Array(json.utf8)) }
        try producer.flush(timeoutMs: 10_000)
    }

    /// The processor's failure, if it stopped with one.
    var failure: String? { run.finished.withLock { $0.error } }

    /// Stops the processor after its batch and waits for it.
    func shutDown() {
        run.stop.store(true, ordering: .relaxed)
        while !run.finished.withLock({ $0.done }) { Thread.sleep(forTimeInterval: 0.01) }
    }
}

extension ModelTestEnvironment {
    /// Another connection to the test's Redis database.
    func redisConnection() throws -> RedisConnection {
        var configuration = try RedisConfiguration(url: Self.environment["PORTRAIT_REDIS_URL"] ?? "redis://127.0.0.1:6379/0")
        configuration.database = 6
        return try RedisConnection(configuration: configuration)
    }

    /// Every field of `users`' profile hashes, flat (each HGETALL sees one write or the next, never part of one).
    static func profiles(_ redis: RedisConnection, _ users: [String]) throws -> [String: [String: String]] {
        let replies = try redis.pipeline { pipe in
            for user in users { pipe.append("HGETALL", ProfileKeys.profile(user)) }
        }
        var profiles: [String: [String: String]] = [:]
        for (user, reply) in zip(users, replies) { profiles[user] = ProfileHash.flatFields(reply.hashFields) }
        return profiles
    }

    /// Polls until `condition` holds for the profiles of `users` (or 120 s pass); returns the last read.
    func waitForProfiles(_ users: [String], _ condition: ([String: [String: String]]) -> Bool) throws -> [String: [String: String]] {
        let redis = try redisConnection()
        let deadline = Date().addingTimeInterval(120)
        var last = try Self.profiles(redis, users)
        while !condition(last), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
            last = try Self.profiles(redis, users)
        }
        return last
    }
}
