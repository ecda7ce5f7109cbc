import ArgumentParser
import Foundation
import Logging
import MySQL
import PortraitConfig
import PortraitModels
import PortraitProcessor
import Redis
import Synchronization

/// `portrait process`: the profile processor.
struct ProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Compute metrics and tags from CDC and event topics into Redis profiles.",
        discussion: """
            Consumes the mapped CDC topics and event topics (config/profiles.yaml) in a consumer group, follows \
            <prefix>.control for definition changes (applied without restart) and writes profiles to Redis. \
            Profiles are scored by every model's active version (model.<name>.score|cluster); promotions and \
            rollbacks are picked up by polling the registry. --online-model learns a model by FTRL as profiles \
            are written. Unusable inputs go to <prefix>.dlq with the reason. SIGTERM finishes the batch and exits.
            """)

    @OptionGroup var global: GlobalOptions

    @OptionGroup var computation: ProfileComputationOptions

    @Option(help: "Consumer group shared by the processors that split the partitions.")
    var group = "portrait-processor"

    @Option(help: "How long the group waits for a silent processor before giving its partitions to others (6s–5m).")
    var sessionTimeout = "10s"

    @Option(help: "How long the group waits between two polls of a processor before evicting it (at least the session timeout; Kafka's default 5m).")
    var maxPollInterval = "5m"

    @Flag(help: "Never let event time follow the wall clock when inputs are idle (deterministic replays).")
    var noWallClock = false

    @Flag(help: "Carry on when Kafka dropped inputs before this group read them (always logged, counted and shown in GET /v1/pipeline; by default the processor stops).")
    var acceptInputLoss = false

    @Option(help: "Exit after this long without input or due timers (e.g. 3s), for tests and replays.")
    var exitWhenIdle: String?

    @Option(help: "Serve Prometheus metrics on GET /metrics at this host:port.")
    var metricsAddr: String?

    @Option(help: "How often the model registry is polled for promotions and rollbacks (e.g. 5s).")
    var modelPoll = "5s"

    @OptionGroup var online: OnlineLearningOptions

    func run() throws {
        let configuration = try global.bootstrap()
        guard case .cluster(let brokers) = configuration.kafka else {
            throw ValidationError("kafka.brokers is `mock`: run `portrait demo` (embedded mock), or `portrait kafka-mock` and set PORTRAIT_KAFKA_BROKERS")
        }
        let logger = Logger(label: "portrait.process")
        let stop = StopFlag()
        let signals = onTerminationSignals { stop.set() }
        defer { signals.forEach { $0.cancel() } }
        do {
            var options = try processorOptions(brokers: brokers, topicPrefix: configuration.topicPrefix)
            options.shouldStop = { stop.isSet }
            let catalog = try ProcessorSetup.seededCatalog(mapping: options.mapping, mysql: configuration.mysql, timeTickMs: options.timeTickMs)
            let scoring = try ModelScoring.attach(to: &options, catalog: catalog, mysql: configuration.mysql, logger: logger)
            let poll = PeriodicTask(name: "portrait-model-poll", every: try modelPollSeconds()) { scoring.refresh() }
            defer { poll.stop() }
            let learning = try onlineLearning(into: &options, mysql: configuration.mysql, logger: logger)
            defer { learning?.stop() }
            let control = try ControlListener(bootstrapServers: brokers, topic: options.controlTopic, catalog: catalog, logger: logger)
            let store = RedisProfileStore(connection: try RedisConnection(configuration: configuration.redis))
            let processor = try ProfileProcessor(options: options, store: store, catalog: catalog, logger: logger)
            let endpoint = try metricsAddr.map { try MetricsEndpoint.prometheus(on: $0, logger: logger) }
            defer { withExtendedLifetime(endpoint) {} }
            control.start()
            defer { control.stop() }
            try processor.run()
        } catch let error as ValidationError {
            throw error
        } catch {
            throw CleanExit.message("error: \(error)", code: 1)
        }
    }

    private func modelPollSeconds() throws -> Double {
        guard let poll = ProcessorSetup.milliseconds(modelPoll), poll >= 100 else { throw ValidationError("--model-poll must be like 5s (at least 100ms)") }
        return Double(poll) / 1_000
    }

    /// With `--online-model`: the learner reads every written profile, and a timer registers its
    /// weights as a new version (its own MySQL connection, off the processor's thread).
    private func onlineLearning(into options: inout ProcessorOptions, mysql: MySQLConfiguration, logger: Logger) throws -> PeriodicTask? {
        guard let configuration = try online.configuration() else { return nil }
        let learner = try OnlineLearner(configuration: configuration)
        let registry = ModelRegistry(connection: try MySQLConnection(configuration: mysql))
        if let resumed = try learner.resume(from: registry) {
            logger.info("online model resumed", metadata: ["model": "\(configuration.name)", "from_version": "\(resumed)", "examples": "\(learner.examplesSeen)"])
        }
        options.onProfilesWritten = { learner.observe($0) }
        logger.info("online model learning", metadata: ["model": "\(configuration.name)", "features": "\(configuration.features)", "label": "\(configuration.label.spec)"])
        return PeriodicTask(name: "portrait-online-model", every: configuration.publishEverySeconds) {
            do {
                if let version = try learner.publish(to: registry, actor: "online-ftrl") {
                    logger.info("online model snapshot registered", metadata: [
                        "model": "\(version.name)", "version": "\(version.version)", "status": "\(version.status.rawValue)", "metrics": "\(version.metrics)"])
                }
            } catch {
                logger.error("online model snapshot not registered", metadata: ["model": "\(configuration.name)", "error": "\(error)"])
            }
        }
    }

    private func processorOptions(brokers: String, topicPrefix: String) throws -> ProcessorOptions {
        var options = try computation.processorOptions(brokers: brokers, topicPrefix: topicPrefix)
        options.groupId = group
        options.followWallClock = !noWallClock
        options.acceptInputLoss = acceptInputLoss
        guard let session = ProcessorSetup.milliseconds(sessionTimeout), (6_000...300_000).contains(session) else {
            throw ValidationError("--session-timeout must be between 6s and 5m")
        }
        options.sessionTimeoutMs = Int(session)
        guard let maxPoll = ProcessorSetup.milliseconds(maxPollInterval), maxPoll >= session, maxPoll <= 3_600_000 else {
            throw ValidationError("--max-poll-interval must be between the session timeout and 1h")
        }
        options.maxPollIntervalMs = Int(maxPoll)
        if let exitWhenIdle {
            guard let idle = ProcessorSetup.milliseconds(exitWhenIdle) else { throw ValidationError("--exit-when-idle must be like 3s") }
            options.exitWhenIdleMs = idle
        }
        return options
    }
}

/// A flag a signal handler sets and the processor's loop reads.
final class StopFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .relaxed) }
    var isSet: Bool { value.load(ordering: .relaxed) }
}
