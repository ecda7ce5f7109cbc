import ArgumentParser
import EventArchive
import Foundation
import Logging
import PortraitConfig
import PortraitJobs
import PortraitProcessor

/// `portrait recompute`: rebuild every profile from history into a new generation and swap it in.
struct RecomputeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recompute",
        abstract: "Rebuild every profile from history into a new generation and swap it in.",
        discussion: """
            Runs the processor's own loop over every input Kafka still holds, into a scratch Redis database of the \
            same server, then swaps it with the live database atomically (SWAPDB) and drops the old generation. \
            Live processors keep running; they rewind to the switch point and catch the new generation up. \
            A backfill after activating a definition is this run. See docs/RECOMPUTE.md.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var computation: ProfileComputationOptions

    @Option(help: "Redis database number to build the new generation in (default: the live one + 1).")
    var scratchDb: Int?

    @Flag(help: "Compute even where Kafka no longer holds the beginning of a partition (reported).")
    var allowPartialHistory = false

    @Flag(help: "Keep the old generation in the scratch database after the switch.")
    var keepOld = false

    @Flag(help: "Read Kafka only, not the archive (history.archive_dir).")
    var noArchive = false

    @Option(help: "Processors run side by side, each over a share of the partitions (default: one per core).")
    var workers: Int?

    @Option(help: "Profiles each worker holds in memory; beyond that it writes them and drops the written ones (default: 200000).")
    var heldProfiles: Int?

    @Option(help: "Megabytes each worker's held profiles may take (estimated), as --held-profiles (default: 1024).")
    var heldMemoryMb: Int?

    func validate() throws {
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1") }
        if let heldProfiles, heldProfiles < 1 { throw ValidationError("--held-profiles must be at least 1") }
        if let heldMemoryMb, heldMemoryMb < 1 { throw ValidationError("--held-memory-mb must be at least 1") }
    }

    func run() throws {
        let configuration = try global.bootstrap()
        guard case .cluster(let brokers) = configuration.kafka else {
            throw ValidationError("kafka.brokers is `mock`: a recompute reads a Kafka cluster's history")
        }
        let logger = Logger(label: "portrait.recompute")
        do {
            var options = try computation.processorOptions(brokers: brokers, topicPrefix: configuration.topicPrefix)
            if let heldProfiles { options.cacheLimit = heldProfiles }
            if let heldMemoryMb { options.cacheBytes = heldMemoryMb << 20 }
            let report = try Self.recompute(
                configuration: configuration, options: options,
                scratchDatabase: scratchDb, allowPartialHistory: allowPartialHistory, keepOld: keepOld, useArchive: !noArchive, workers: workers, logger: logger)
            print(String(
                format: "generation %lld: %d inputs (%d from the archive, %d from Kafka), %d profiles, computed in %.1f s, switched after %.1f s",
                report.generation, report.inputs, report.fromArchive, report.fromKafka, report.profiles, report.computeSeconds, report.totalSeconds))
            for gap in report.missingHistory { print("history missing inside a window: \(gap)") }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw CleanExit.message("error: \(error)", code: 1)
        }
    }

    /// A recompute or backfill job's run: the same as the command with these settings.
    static func recompute(configuration: PortraitConfiguration, request: RecomputeRequest) throws -> RecomputeReport {
        guard case .cluster(let brokers) = configuration.kafka else {
            throw ValidationError("kafka.brokers is `mock`: a recompute reads a Kafka cluster's history")
        }
        var computation = try ProfileComputationOptions.parse([])  // defaults, as the command would have them
        computation.mapping = request.mapping
        if let delay = request.watermarkDelay { computation.watermarkDelay = delay }
        if let tick = request.timeTick { computation.timeTick = tick }
        return try recompute(
            configuration: configuration, options: computation.processorOptions(brokers: brokers, topicPrefix: configuration.topicPrefix),
            scratchDatabase: request.scratchDatabase, allowPartialHistory: request.allowPartialHistory, keepOld: false, useArchive: true,
            logger: Logger(label: "portrait.recompute"))
    }

    /// One recompute with the stored definitions: what the command and the scheduler's
    /// recompute and backfill jobs run.
    static func recompute(
        configuration: PortraitConfiguration, options: ProcessorOptions, scratchDatabase: Int?,
        allowPartialHistory: Bool, keepOld: Bool, useArchive: Bool, workers: Int? = nil, logger: Logger
    ) throws -> RecomputeReport {
        let live = configuration.redis
        let catalog = try ProcessorSetup.seededCatalog(mapping: options.mapping, mysql: configuration.mysql, timeTickMs: options.timeTickMs)
        // Scored with the versions active now, loaded once: the same as the live processors
        // (stream = batch); a promotion during the run reaches the new generation when live
        // processors re-score after the switch.
        var options = options
        let scoring = try ModelScoring.attach(to: &options, catalog: catalog, mysql: configuration.mysql, logger: logger)
        if !scoring.versions.isEmpty { logger.info("scoring with", metadata: ["models": "\(scoring.versions)"]) }
        var recompute = ProfileRecompute(options: options, live: live, scratchDatabase: scratchDatabase ?? (live.database == 15 ? 14 : live.database + 1))
        recompute.allowPartialHistory = allowPartialHistory
        recompute.keepOldGeneration = keepOld
        if let workers { recompute.workers = workers }
        if useArchive { recompute.archive = EventArchiveStore(directory: configuration.archiveDirectory) }
        var report = try recompute.run(catalog: catalog, logger: logger)
        report.modelVersions = scoring.versions
        return report
    }
}
