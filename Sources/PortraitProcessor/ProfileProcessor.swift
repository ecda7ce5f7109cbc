import Foundation
import Kafka
import Redis
import Logging
import Metrics
import PortraitCore
import StreamEngine

/// `portrait process`: the profile job on the StreamEngine's ``LiveKeyedRunner``. It consumes
/// the CDC and event topics (co-partitioned by user) in a consumer group, folds each input into
/// its user's profile with ``ProfileEvaluator``, fires timers as event time passes, and writes
/// profiles to Redis.
///
/// The runner owns the loop, the partitions' watermarks, the keyed state (each user's profile
/// held in memory once loaded, a ``HeldProfile``), the timers, the re-evaluation of every user
/// after a definition or model change, and checkpoint-to-commit. The job (``ProfileJob``) says
/// what an input means and how a profile changes, loads profiles from Redis, and writes a
/// checkpoint's changed users, each once, as the difference from what Redis holds, in
/// transactions fenced by the partitions' owner epochs.
///
/// Exactly-once effect: Kafka offsets are committed only after the flush holding everything
/// read before them was acknowledged. Every profile remembers the last offset it folded in per
/// source partition (its fence), so a replay after a crash skips what is already applied; a
/// processor that lost a partition can no longer write it (its epoch is refused).
///
/// The same loop runs a recompute: fed a bounded ``HistorySource`` instead of the consumer
/// group, it writes a new profile generation (docs/RECOMPUTE.md). When a live processor finds
/// a new generation swapped in, it rewinds its partitions to the generation's switch point.
public final class ProfileProcessor {
    let job: ProfileJob

    /// The live processor: a member of `options.groupId`.
    public init(options: ProcessorOptions, store: RedisProfileStore, catalog: DefinitionCatalog, logger: Logger) throws {
        let assignmentChanged = AssignmentFlag()
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                // Freshness: a quiet partition's fetch returns after 10 ms, not librdkafka's 500 ms.
                client: KafkaClientConfiguration(bootstrapServers: options.bootstrapServers, properties: ["fetch.wait.max.ms": "10"]),
                groupId: options.groupId,
                sessionTimeoutMs: options.sessionTimeoutMs, maxPollIntervalMs: options.maxPollIntervalMs),
            logger: logger,
            onRebalance: { _ in assignmentChanged.set() })  // on the polling thread inside `poll`
        job = try ProfileJob(options: options, source: ConsumerGroupSource(consumer: consumer), assignmentChanged: assignmentChanged, store: store, catalog: catalog, logger: logger)
    }

    /// A bounded run over `source` (a recompute); ends when the source is exhausted and every
    /// timer event time reached has fired.
    public init(options: ProcessorOptions, history source: HistorySource, store: RedisProfileStore, catalog: DefinitionCatalog, logger: Logger) throws {
        job = try ProfileJob(options: options, source: source, assignmentChanged: AssignmentFlag(), store: store, catalog: catalog, logger: logger)
    }

    /// The topics read.
    public var topics: [String] { job.decoder.topics }

    /// Runs until `options.shouldStop` or, with `exitWhenIdleMs`, until idle.
    public func run() throws {
        let (options, logger) = (job.options, job.logger)
        try job.source.start(topics: job.decoder.topics)
        job.profileGeneration = try job.store.generation()
        logger.info("processor started", metadata: [
            "topics": "\(job.decoder.topics.joined(separator: ","))", "group": "\(options.groupId)", "generation": "\(job.profileGeneration)"])
        let source = Self.splits(job.source)
        let runner = LiveKeyedRunner<ProfileJob>(
            job: job, source: source, assignmentChanged: job.assignmentChanged,
            watermarks: SplitWatermarks(delayMs: options.watermarkDelayMs, idleTimeoutMs: options.idleTimeoutMs, followWallClock: options.followWallClock),
            options: options.runnerOptions)
        try runner.run()
        logger.info("processor stopped")
    }

    /// The source as the engine sees it (opened, then erased again as a split source).
    private static func splits(_ source: some ProfileInputSource) -> any SplitSource<KafkaMessage, KafkaTopicPartition> { source }

}

/// Inputs were dropped by the broker before this processor's group read them.
public struct InputsLost: Error, CustomStringConvertible {
    public var gaps: [InputGap]
    public var description: String {
        "inputs lost before they were read: \(gaps.map(\.description).joined(separator: ", ")); "
            + "restore them from the history archive with a recompute (docs/RECOMPUTE.md), or run with --accept-input-loss to carry on without them"
    }
}
