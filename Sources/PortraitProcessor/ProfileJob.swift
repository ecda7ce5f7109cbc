import Foundation
import Kafka
import Redis
import Logging
import Metrics
import PortraitCore
import StreamEngine

/// The profile job that ``ProfileProcessor`` runs on the engine's ``LiveKeyedRunner``: what
/// an input means, how a profile changes, how profiles are loaded from and written to Redis.
final class ProfileJob: LiveKeyedJob {
    typealias Record = KafkaMessage
    typealias Position = KafkaTopicPartition
    typealias Key = String
    typealias Value = HeldProfile
    typealias Snapshot = PendingProfileWrite
    typealias PendingWrite = FlushInFlight

    /// One input for a user, with the source partition and offset its fence is kept by.
    struct Input {
        var source: String
        var offset: Int64
        var input: ProfileInput
    }

    let options: ProcessorOptions
    let source: any ProfileInputSource
    let decoder: InputDecoder
    let store: RedisProfileStore
    let catalog: DefinitionCatalog
    var deadLetters: DeadLetters
    let logger: Logger
    let assignmentChanged: AssignmentFlag

    var evaluator = ProfileEvaluator(definitions: .empty)
    var generation = -1
    var tagVersions: [String: Int] = [:]
    /// The model versions the evaluator scores with, and the owned partitions whose users have
    /// all been scored with them since they last changed.
    var modelVersions: [String: Int] = [:]
    var scoredPartitions: Set<Int32> = []
    /// With an observer: each user's profile after every input but the last of the current batch
    /// (a backlog folds many inputs into one write; online learning must see every step).
    var steps: [String: [ProfileState]] = [:]
    /// Flushes run here, on Redis connections of their own, while the runner folds on.
    let background: BackgroundFlush
    /// Per lane of the flush in flight, the indices (in the order handed over) of its users.
    var writingLanes: [[Int]] = []
    /// The partitions this run has written users of (with ``ProcessorOptions/storeStartsEmpty``,
    /// the only ones whose users the store may hold).
    var writtenPartitions: Set<Int32> = []
    /// The watermarks the observer last heard of.
    var reportedWatermarks: [Int32: Int64] = [:]
    /// The partitions owned, as the runner last took them.
    var owned: Set<Int32> = []
    /// The owner epoch taken for each owned partition (``ProfileKeys/ownerEpoch(partition:)``);
    /// empty for a recompute, which has no rival writer in its scratch database.
    var epochs: [Int32: Int64] = [:]
    /// The newest offset read per source, for the record of where definitions took effect.
    var positions: [String: Int64] = [:]
    var sourceNames = SourceNames()
    var status: ProcessorStatus
    /// The profile generation this processor writes (``ProfileKeys/generation``).
    var profileGeneration: Int64 = 0

    let inputsCounter = Counter(label: "portrait_processor_inputs_total")
    let writesCounter = Counter(label: "portrait_processor_profile_writes_total")
    let notOwnerCounter = Counter(label: "portrait_processor_not_owner_writes_total")
    let lostInputsCounter = Counter(label: "portrait_processor_lost_inputs_total")
    let redisRetriesCounter = Counter(label: "portrait_processor_redis_retries_total")
    let timersCounter = Counter(label: "portrait_processor_timers_fired_total")
    let freshness = Recorder(label: "portrait_processor_freshness_seconds", aggregate: true)

    init(
        options: ProcessorOptions, source: any ProfileInputSource, assignmentChanged: AssignmentFlag, store: RedisProfileStore,
        catalog: DefinitionCatalog, logger: Logger
    ) throws {
        self.options = options
        self.store = store
        self.catalog = catalog
        self.logger = logger
        decoder = InputDecoder(
            mapping: options.mapping, topicPrefix: options.topicPrefix, cdcTopicPrefix: options.cdcTopicPrefix,
            eventFieldTypes: DefinitionValidator.standardEventFields)
        self.assignmentChanged = assignmentChanged
        self.source = source
        background = try BackgroundFlush(lanes: options.flushLanes, like: store)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: options.bootstrapServers)), logger: logger)
        deadLetters = DeadLetters(producer: producer, topic: options.deadLetterTopic)
        status = ProcessorStatus(groupId: options.groupId)
    }

    var shouldStop: Bool { options.shouldStop() }

    // MARK: The loop's moments

    /// Takes the partitions a rebalance gave: checks that no input was lost before them and
    /// takes each one's owner epoch (so a previous owner can no longer write its users).
    func assigned(_ keyGroups: Set<Int32>, runner: LiveKeyedRunner<ProfileJob>) throws {
        owned = keyGroups
        try checkForGaps()
        if !options.deferWrites { epochs = try store.takeOwnership(of: owned.sorted()) }
        logger.info("partitions assigned", metadata: ["partitions": "\(owned.sorted())", "epochs": "\(epochs.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" })"])
    }

    /// Before each batch: a new assignment rewinds to a swapped-in generation's switch point;
    /// then a generation, definitions or models that changed are taken.
    func prepare(_ records: [KafkaMessage], assignmentChanged: Bool, runner: LiveKeyedRunner<ProfileJob>) throws -> [KafkaMessage] {
        var records = records
        if assignmentChanged { records = try rewindToSwitchPoint(records) }
        records = try followGeneration(records, runner: runner)
        try refreshDefinitions(runner: runner)
        try refreshModels(runner: runner)
        return records
    }

    /// A generation swapped in under a flush: adopt it and replay. Redis failed: wait and
    /// replay from the committed offsets (a recompute, which cannot rewind, fails).
    func recover(from error: any Error, runner: LiveKeyedRunner<ProfileJob>) throws -> Bool {
        if error is ProfileGenerationChanged {
            try replayAfterSwitch(runner: runner)
            return true
        }
        if let error = error as? RedisError, error.isConnectionFailure || error.serverCode == "LOADING" {
            logger.warning("Redis failed; retrying the batch", metadata: ["error": "\(error)"])
            redisRetriesCounter.increment()
            return try runner.retryAfterStoreFailure()
        }
        return false
    }

    func finishedBatch(records: Int, timersFired: Int, runner: LiveKeyedRunner<ProfileJob>) {
        inputsCounter.increment(by: records)
        if records > 0 || timersFired > 0 {
            logger.debug("batch", metadata: [
                "messages": "\(records)", "timers": "\(timersFired)",
                "backlog": "\((try? source.backlog()).flatMap { $0 }.map(String.init) ?? "unknown")"])
        }
        if options.reportsStatus { status.reportIfDue(to: store.connection, nowMs: Self.wallMs()) }
    }

    func note(_ event: LiveRunnerEvent) {
        switch event {
        case .recordsOfGivenUpKeyGroupsDropped(let count):
            logger.info("polled inputs of given-up partitions dropped", metadata: ["inputs": "\(count)"])
        case .polledRecordsReadAgain(let count):
            logger.info("polled inputs dropped: the partitions are read again from their committed offsets", metadata: ["inputs": "\(count)"])
        case .writesRefused(let partitions):
            logger.warning("writes refused: another processor owns these partitions now", metadata: ["partitions": "\(partitions.sorted())"])
        case .commitSkipped:
            logger.info("commit skipped: the group is rebalancing; the next owner replays these inputs behind their fences")
        case .visitsDone(let changed, let slices):
            logger.info("profiles re-evaluated", metadata: ["changed": "\(changed)", "slices": "\(slices)"])
        case .retryingAfterStoreFailure(let delay):
            logger.warning("waiting for Redis", metadata: ["retry_in_ms": "\(delay)"])
        }
    }

    /// Inputs the broker dropped before this group read them are reported loudly: an error
    /// naming what is lost, a metric, the pipeline status, and by default the processor stops.
    private func checkForGaps() throws {
        let gaps = try source.gaps()
        guard !gaps.isEmpty else { return }
        let lost = gaps.filter { !$0.neverCommitted }
        for gap in gaps {
            if gap.neverCommitted {
                logger.warning("inputs before this group started are no longer in Kafka; the history archive and a recompute bring them back (docs/RECOMPUTE.md)", metadata: ["missing": "\(gap)"])
            } else {
                logger.error("inputs lost: the broker dropped them before this group read them", metadata: ["lost": "\(gap)", "accepted": "\(options.acceptInputLoss)"])
            }
        }
        lostInputsCounter.increment(by: Int(lost.reduce(0) { $0 + $1.count }))
        status.record(gaps: gaps)
        if options.reportsStatus { status.reportIfDue(to: store.connection, nowMs: Self.wallMs(), force: true) }
        if !lost.isEmpty, !options.acceptInputLoss { throw InputsLost(gaps: lost) }
    }

    /// Takes a new definition generation: every user of the owned partitions is re-evaluated,
    /// and the versions applied are recorded with the input positions they took effect at.
    private func refreshDefinitions(runner: LiveKeyedRunner<ProfileJob>) throws {
        let (current, definitions) = catalog.current
        guard current != generation else { return }
        generation = current
        evaluator = ProfileEvaluator(definitions: definitions, models: evaluator.models)
        tagVersions = Dictionary(definitions.tags.map { ($0.name, $0.version) }, uniquingKeysWith: max)
        for problem in definitions.problems { logger.warning("definition not computed", metadata: ["problem": "\(problem)"]) }
        try runner.checkpoint()  // every user read so far is in its partition's user set, so all are re-evaluated
        runner.visitAll(of: owned)
        let at = positions.sorted { $0.key < $1.key }.map { "\($0.key)@\($0.value)" }.joined(separator: ",")
        var applied: [String: String] = [:]
        for (name, version) in catalog.versions { applied["\(options.groupId)/\(name)"] = "v\(version) after \(at.isEmpty ? "start" : at)" }
        try store.recordApplied(applied)
        logger.info("definitions applied", metadata: [
            "generation": "\(current)", "metrics": "\(definitions.metrics.count)", "tags": "\(definitions.tags.count)"])
    }

    /// Takes the model versions published since the last batch. A changed version re-scores
    /// every owned user, like a definition change; a partition adopted later (restart,
    /// rebalance) is re-scored once too, since its profiles may carry another version.
    private func refreshModels(runner: LiveKeyedRunner<ProfileJob>) throws {
        let scorers = options.scorers()
        let versions = Dictionary(scorers.map { ($0.name, $0.version) }, uniquingKeysWith: max)
        scoredPartitions.formIntersection(owned)  // a partition lost and regained is scored again
        let changed = versions != modelVersions
        if changed {
            logger.info("model versions changed", metadata: ["from": "\(modelVersions)", "to": "\(versions)"])
            modelVersions = versions
            evaluator.models = scorers.sorted { $0.name < $1.name }
            scoredPartitions = []
        }
        let unscored = owned.subtracting(scoredPartitions)
        // Without models nothing needs scoring, unless the last one just went (outputs to drop).
        guard !unscored.isEmpty, !modelVersions.isEmpty || changed else { return }
        try runner.checkpoint()
        runner.visitAll(of: unscored)
        scoredPartitions = owned
        logger.info("profiles being re-scored", metadata: ["partitions": "\(unscored.sorted())", "models": "\(modelVersions)"])
    }

    static func wallMs() -> Int64 { SystemClock().now() }
}
