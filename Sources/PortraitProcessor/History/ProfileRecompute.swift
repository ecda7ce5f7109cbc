import EventArchive
import Foundation
import Kafka
import Logging
import PortraitCore
import Redis
import Synchronization

/// A full recompute: the processor's own loop run over every input still held, into a new
/// profile generation in a scratch Redis database, then swapped in with `SWAPDB` (atomic: a
/// reader sees the old generation or the new one, never a mix), then the old one dropped.
///
/// Live processors keep writing the old generation meanwhile. The new one records where it was
/// computed up to (``ProfileKeys/generationSwitch``); the write script refuses writes computed
/// for the old generation, and each live processor rewinds its partitions to that point and
/// catches the new generation up (docs/RECOMPUTE.md).
public struct ProfileRecompute {
    public var options: ProcessorOptions
    /// The database readers and live processors use.
    public var live: RedisConfiguration
    /// A database of the same server the new generation is built in (emptied first).
    public var scratchDatabase: Int
    /// Where `portrait archive` keeps inputs beyond Kafka's retention (`nil`: Kafka only).
    public var archive: EventArchiveStore?
    /// Switch even when history is missing inside a metric window (the report says where);
    /// otherwise such a gap fails the run rather than computing windows short.
    public var allowPartialHistory = false
    /// Keep the old generation in the scratch database after the switch (for inspection).
    public var keepOldGeneration = false
    /// Processors run side by side, each over its own share of the partitions. Inputs are
    /// co-partitioned by user and watermarks, timers and profiles are per partition, so the
    /// shares are independent and the result is the one a single processor computes.
    public var workers = ProcessInfo.processInfo.activeProcessorCount

    public init(options: ProcessorOptions, live: RedisConfiguration, scratchDatabase: Int) {
        self.options = options
        self.live = live
        self.scratchDatabase = scratchDatabase
    }

    /// Reads history, builds the generation, switches. Throws before the switch on any problem
    /// (the live generation is then untouched).
    public func run(catalog: DefinitionCatalog, logger: Logger) throws -> RecomputeReport {
        guard scratchDatabase != live.database else {
            throw RecomputeError("the scratch database must differ from the live one (both \(live.database))")
        }
        let started = Date()
        let liveConnection = try RedisConnection(configuration: live)
        var scratchConfiguration = live
        scratchConfiguration.database = scratchDatabase
        let scratch = try RedisConnection(configuration: scratchConfiguration)

        let plans = try HistoryRanges.current(topics: options.inputTopics, bootstrapServers: options.bootstrapServers, archive: archive, logger: logger)

        let definitionVersions = catalog.versions
        let generation = try RedisProfileStore(connection: liveConnection).generation() + 1
        // Never empty a database someone else uses (a wrong --scratch-db would lose its data).
        let scratchKeys = try scratch.command("DBSIZE").int ?? 0
        if scratchKeys > 0, try scratch.command("EXISTS", ProfileKeys.scratchMarker).int != 1 {
            throw RecomputeError("Redis database \(scratchDatabase) holds \(scratchKeys) keys and is not a recompute's scratch database: choose an empty one (--scratch-db, params.scratch_db)")
        }
        _ = try scratch.command("FLUSHDB")
        _ = try scratch.command("SET", ProfileKeys.scratchMarker, generation)
        _ = try scratch.command("SET", ProfileKeys.generation, generation)

        let history = try replay(plans, into: scratchConfiguration, catalog: catalog, logger: logger)
        let computed = Date()

        // Checked on what was actually read: the first input held per partition and the newest.
        let gaps = plans.filter { $0.missing != nil }.map { HistoryGap(partition: $0, firstHeldMs: history.firstHeldMs[$0.source]) }
        let relevant = HistoryGap.relevant(gaps, newestMs: history.newestMs, longestWindowMs: Self.longestWindowMs(catalog))
        for gap in relevant { logger.warning("history missing inside a metric window", metadata: ["gap": "\(gap)"]) }
        if !relevant.isEmpty, !allowPartialHistory {
            _ = try scratch.command("FLUSHDB", "ASYNC")
            throw RecomputeError.historyMissing(relevant.map(\.description))
        }

        let partitions = Set(plans.map(\.partition)).sorted()
        let profiles = try scratch.pipeline { pipe in
            for partition in partitions { pipe.append("SCARD", ProfileKeys.users(partition: partition)) }
        }.reduce(0) { $0 + ($1.int ?? 0) }
        try recordSwitchPoint(plans, in: scratch)
        try GenerationSwitch(live: liveConnection, liveDatabase: live.database, scratch: scratch, scratchDatabase: scratchDatabase).swap()
        if !keepOldGeneration { _ = try scratch.command("FLUSHDB", "ASYNC") }
        _ = try scratch.command("SET", ProfileKeys.scratchMarker, generation - 1)  // it holds (or held) the old generation
        logger.info("generation switched", metadata: ["generation": "\(generation)", "inputs": "\(history.fromArchive + history.fromKafka)", "profiles": "\(profiles)"])
        return RecomputeReport(
            generation: generation, fromArchive: history.fromArchive, fromKafka: history.fromKafka,
            profiles: Int(profiles), missingHistory: relevant.map(\.description), definitionVersions: definitionVersions,
            computeSeconds: computed.timeIntervalSince(started), totalSeconds: Date().timeIntervalSince(started))
    }

    /// Runs the processors over `plans` into the scratch database, one thread each; what they read.
    private func replay(_ plans: [PartitionHistory], into scratch: RedisConfiguration, catalog: DefinitionCatalog, logger: Logger) throws -> HistoryRead {
        var batch = options
        batch.groupId = "portrait-recompute"
        batch.followWallClock = false
        batch.exitWhenIdleMs = nil
        batch.reportsStatus = false
        batch.sendsDeadLetters = false
        batch.deferWrites = true
        batch.storeStartsEmpty = true  // the scratch database was emptied
        batch.maxBatch = 50_000  // fewer passes over the same users: each folds more inputs at once
        batch.cacheBytes = options.cacheBytes ?? 1 << 30
        let partitions = Set(plans.map(\.partition)).sorted()
        let shares = max(1, min(workers, partitions.count))
        let (bootstrapServers, archive, live) = (options.bootstrapServers, archive, live)
        let outcomes = Mutex<[Result<HistoryRead, any Error>]>([])
        let failed = FailureFlag()  // one share's error ends the others: the run fails anyway
        let stop = batch.shouldStop
        batch.shouldStop = { stop() || failed.isSet }
        let processorOptions = batch
        let bitmaps = DeferredBitmaps()  // every worker's, written once the build is done
        DispatchQueue.concurrentPerform(iterations: shares) { share in
            let mine = Set(partitions.enumerated().filter { $0.offset % shares == share }.map(\.element))
            var workerLogger = logger
            workerLogger[metadataKey: "worker"] = "\(share)"
            let outcome = Result { () throws -> HistoryRead in
                let history = try HistorySource(
                    bootstrapServers: bootstrapServers, partitions: plans.filter { mine.contains($0.partition) }, archive: archive, logger: workerLogger)
                defer { history.close() }
                var store = RedisProfileStore(connection: try RedisConnection(configuration: scratch), denseIdsFrom: try RedisConnection(configuration: live))
                store.deferredBitmaps = bitmaps
                try ProfileProcessor(options: processorOptions, history: history, store: store, catalog: catalog, logger: workerLogger).run()
                return HistoryRead(history)
            }
            if case .failure = outcome { failed.set() }
            outcomes.withLock { $0.append(outcome) }
        }
        let read = try outcomes.withLock { $0 }.reduce(HistoryRead()) { try $0.merged(with: $1.get()) }
        try bitmaps.write(to: try RedisConnection(configuration: scratch))
        return read
    }

    private func recordSwitchPoint(_ plans: [PartitionHistory], in scratch: RedisConnection) throws {
        guard !plans.isEmpty else { return }
        _ = try scratch.command(["HSET", ProfileKeys.generationSwitch] + plans.flatMap { [$0.source, String($0.end)] })
    }

    /// The longest metric window in force; `nil` when a metric covers the whole history.
    static func longestWindowMs(_ catalog: DefinitionCatalog) -> Int64? {
        var longest: Int64 = 0
        for metric in catalog.current.definitions.metrics {
            switch metric.window {
            case .lifetime: return nil
            case .sliding(let length, _): longest = max(longest, length)
            }
        }
        return longest
    }
}

/// What a recompute did.
public struct RecomputeReport: Sendable {
    public var generation: Int64
    public var fromArchive: Int
    public var fromKafka: Int
    public var profiles: Int
    /// Gaps inside a metric window the run was allowed to switch with.
    public var missingHistory: [String]
    /// The definitions computed, `metric:<name>` / `tag:<name>` → version.
    public var definitionVersions: [String: Int]
    /// The model versions profiles were scored with (set by whoever attached the scorers).
    public var modelVersions: [String: Int] = [:]
    public var computeSeconds: Double
    public var totalSeconds: Double

    /// Inputs replayed: what the archive and Kafka delivered.
    public var inputs: Int { fromArchive + fromKafka }
}

public struct RecomputeError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) { self.description = description }

    static func historyMissing(_ gaps: [String]) -> RecomputeError {
        RecomputeError("history is missing inside a metric window, so it would be computed short: \(gaps.joined(separator: "; ")) (switch anyway with --allow-partial-history)")
    }
}

/// Set by the first processor of a recompute that fails; the others stop at their next batch.
final class FailureFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}

/// What the history sources of a recompute's processors read, together.
struct HistoryRead: Sendable {
    var fromArchive = 0
    var fromKafka = 0
    /// The first input's time per source partition, and the newest input's time.
    var firstHeldMs: [String: Int64] = [:]
    var newestMs: Int64?

    init() {}

    init(_ source: HistorySource) {
        fromArchive = source.readFromArchive
        fromKafka = source.readFromKafka
        firstHeldMs = source.firstHeldMs
        newestMs = source.newestMs
    }

    func merged(with other: HistoryRead) -> HistoryRead {
        var merged = self
        merged.fromArchive += other.fromArchive
        merged.fromKafka += other.fromKafka
        merged.firstHeldMs.merge(other.firstHeldMs) { min($0, $1) }
        merged.newestMs = [newestMs, other.newestMs].compactMap { $0 }.max()
        return merged
    }
}
