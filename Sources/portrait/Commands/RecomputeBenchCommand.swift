import ArgumentParser
import EventArchive
import Foundation
import Kafka
import Logging
import PortraitCore
import PortraitProcessor
import Redis

/// `portrait bench recompute`: a full recompute (or, with `--one-metric`, the history replay a
/// backfill of one 30-day metric costs) over events in an in-process mock Kafka.
struct RecomputeBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recompute",
        abstract: "Recompute profiles from a generated history into a new generation; prints one JSON line.",
        discussion: "Empties the Redis databases --redis-db and --scratch-db of the configured server, before and after.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Events of history.") var events = 1_000_000
    @Option(help: "Distinct users.") var users = 100_000
    @OptionGroup var definitions: BenchDefinitionOptions
    @Flag(help: "Only one 30-day metric (the replay a backfill of one metric needs).") var oneMetric = false
    @Option(help: "Partitions of the events topic.") var partitions = 4
    @Option(help: "Redis database of the live generation (emptied).") var redisDb = 7
    @Option(help: "Redis database the new generation is built in (emptied).") var scratchDb = 8
    @Option(help: "Processors side by side (default: one per core).") var workers = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let configuration = try global.bootstrap()
        var live = configuration.redis
        live.database = redisDb
        let redis = try RedisConnection(configuration: live)
        _ = try redis.command("FLUSHDB")
        var scratch = live
        scratch.database = scratchDb
        _ = try RedisConnection(configuration: scratch).command("FLUSHDB")  // as the help says: a bench owns both

        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("bench.events", partitions: partitions)
        let produceStart = Date()
        // The mock cluster keeps only the newest ~60k messages per partition (its retention), so the
        // history lives in the archive, as it would after `portrait archive` ran beside Kafka.
        let archiveDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-bench-archive-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: archiveDirectory) }
        let archive = EventArchiveStore(directory: archiveDirectory)
        try BenchEvents.produce(
            bootstrap: cluster.bootstrapServers, topic: "bench.events", events: events, users: users, rate: nil, archive: (archive, partitions))
        let produceSeconds = Date().timeIntervalSince(produceStart)

        let catalog = oneMetric
            ? try BenchDefinitions.catalog(metrics: [MetricDefinition(
                name: "spend_30d", filter: #"event.type == "purchase""#, aggregation: .sum, field: "amount",
                window: try MetricWindow(parsing: "30d"), status: .active)], tags: [])
            : try definitions.catalog()
        var mapping = ProfileMapping()
        mapping.eventTopics = ["events"]
        var options = ProcessorOptions(bootstrapServers: cluster.bootstrapServers, mapping: mapping)
        options.topicPrefix = "bench"
        var recompute = ProfileRecompute(options: options, live: live, scratchDatabase: scratchDb)
        recompute.archive = archive
        recompute.workers = max(1, workers)
        // CPU seconds beside the wall time: on a shared 2-core machine the wall time moves with
        // the neighbours and with whether Redis rewrote its append-only file inside the run.
        let (redisBefore, cpuBefore) = (try ProcessorBenchCommand.redisWork(redis), processCPUSeconds())
        let report = try recompute.run(catalog: catalog, logger: Logger(label: "portrait.bench"))
        let (redisAfter, cpuAfter) = (try ProcessorBenchCommand.redisWork(redis), processCPUSeconds())
        printBenchmarkLine([
            ("bench", oneMetric ? "recompute_one_metric" : "recompute"), ("events", events), ("users", users), ("workers", workers),
            ("metrics", oneMetric ? 1 : definitions.metrics), ("tags", oneMetric ? 0 : definitions.tags), ("produce_events_per_s", Double(events) / produceSeconds),
            ("inputs", report.inputs), ("from_archive", report.fromArchive), ("profiles", report.profiles), ("compute_s", report.computeSeconds), ("wall_s", report.totalSeconds),
            ("process_cpu_s", cpuAfter - cpuBefore), ("redis_cpu_s", redisAfter.cpuSeconds - redisBefore.cpuSeconds),
            ("aof_rewrites", redisAfter.aofRewrites - redisBefore.aofRewrites),
            ("events_per_s", Double(report.inputs) / report.totalSeconds), ("peak_rss_mb", peakResidentMegabytes()),
        ])
        // A million profiles left behind would make the next synchronous FLUSHDB of these
        // databases (a test's) block Redis for seconds.
        _ = try redis.command("FLUSHDB", "ASYNC")
        _ = try RedisConnection(configuration: scratch).command("FLUSHDB", "ASYNC")
        withExtendedLifetime(cluster) {}
    }
}
