import Foundation
import Kafka
import Redis
import Logging
import Metrics
import PortraitCore
import StreamEngine
import Synchronization

/// `portrait process`: consumes the CDC and event topics (co-partitioned by user) in a consumer
/// group, folds each input into its user's profile with ``ProfileEvaluator``, fires timers as
/// event time passes, and writes profiles to Redis.
///
/// Keyed state in memory: each user's profile is held in memory once loaded (``HeldProfile``);
/// inputs and timers change it there, and a flush every `flushIntervalMs` (or after
/// `flushProfiles` changed users) writes each changed user once, as the difference from what
/// Redis holds, in transactions fenced by the partitions' owner epochs.
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
    struct Pending {
        var source: String
        var offset: Int64
        var input: ProfileInput
    }

    let options: ProcessorOptions
    let source: ProfileInputSource
    private let decoder: InputDecoder
    let store: RedisProfileStore
    private let catalog: DefinitionCatalog
    private var deadLetters: DeadLetters
    let logger: Logger
    private let rebalanced: Rebalanced

    private var evaluator = ProfileEvaluator(definitions: .empty)
    private var generation = -1
    private var tagVersions: [String: Int] = [:]
    /// The model versions the evaluator scores with, and the owned partitions whose users have
    /// all been scored with them since they last changed.
    private var modelVersions: [String: Int] = [:]
    var scoredPartitions: Set<Int32> = []
    /// Each owned partition's watermark as timers last fired (for ``ProcessorOptions/onProfilesWritten``).
    private var partitionWatermarks: [Int32: Int64] = [:]
    /// With an observer: each user's profile after every input but the last of the current batch
    /// (a backlog folds many inputs into one write; online learning must see every step).
    private var steps: [String: [ProfileState]] = [:]
    /// The keyed state: profiles held in memory, written back at each flush.
    var cache: [String: HeldProfile] = [:]
    /// Users changed since the last flush (an entry may have left the cache since).
    private var dirtyUsers: [String] = []
    /// Where each source partition will resume once the pending flush is acknowledged.
    private var pendingCommits: [String: KafkaTopicPartition] = [:]
    /// Inputs read since the last flush.
    private var pendingInputs = 0
    private var lastFlushMs: Int64 = 0
    /// Partitions whose users are still to be re-evaluated after a definition or model change,
    /// with where the scan of each one's user set stands ("0": from the start).
    private var reevaluation: [Int32: String] = [:]
    /// Profiles the re-evaluation under way changed so far, in how many slices between polls.
    private var reevaluated = 0
    private var reevaluationSlices = 0
    /// Flushes run here, on Redis connections of their own, while the processor folds on.
    private let background: BackgroundFlush
    private var inFlight: FlushInFlight?
    /// The watermarks the observer last heard of.
    private var reportedWatermarks: [Int32: Int64] = [:]
    var owned: Set<Int32> = []
    /// The owner epoch taken for each owned partition (``ProfileKeys/ownerEpoch(partition:)``);
    /// empty for a recompute, which has no rival writer in its scratch database.
    var epochs: [Int32: Int64] = [:]
    /// How long to wait before retrying after Redis failed; doubles up to 5 s, reset by a success.
    private var redisBackoffMs: UInt32 = 0
    private var watermarks: SplitWatermarks
    private var positions: [String: Int64] = [:]
    private var sourceNames = SourceNames()
    private var lastActivityMs: Int64 = 0
    private var status: ProcessorStatus
    /// The profile generation this processor writes (``ProfileKeys/generation``).
    var profileGeneration: Int64 = 0
    /// Timers of the owned partitions' users, earliest first: seeded from Redis when
    /// partitions are taken, then kept as profiles change.
    private var timers = ProfileTimers()

    private let inputsCounter = Counter(label: "portrait_processor_inputs_total")
    private let writesCounter = Counter(label: "portrait_processor_profile_writes_total")
    private let fencedCounter = Counter(label: "portrait_processor_fenced_writes_total")
    private let notOwnerCounter = Counter(label: "portrait_processor_not_owner_writes_total")
    private let lostInputsCounter = Counter(label: "portrait_processor_lost_inputs_total")
    private let redisRetriesCounter = Counter(label: "portrait_processor_redis_retries_total")
    private let timersCounter = Counter(label: "portrait_processor_timers_fired_total")
    private let freshness = Recorder(label: "portrait_processor_freshness_seconds", aggregate: true)

    /// Rebalances arrive on the polling thread inside `poll`; the loop reacts after `poll` returns.
    final class Rebalanced: Sendable {
        let flag = Atomic<Bool>(true)
    }

    /// The live processor: a member of `options.groupId`.
    public convenience init(options: ProcessorOptions, store: RedisProfileStore, catalog: DefinitionCatalog, logger: Logger) throws {
        let rebalanced = Rebalanced()
        let consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                // Freshness: a quiet partition's fetch returns after 10 ms, not librdkafka's 500 ms.
                client: KafkaClientConfiguration(bootstrapServers: options.bootstrapServers, properties: ["fetch.wait.max.ms": "10"]),
                groupId: options.groupId,
                sessionTimeoutMs: options.sessionTimeoutMs, maxPollIntervalMs: options.maxPollIntervalMs),
            logger: logger,
            onRebalance: { _ in rebalanced.flag.store(true, ordering: .relaxed) })
        try self.init(options: options, source: ConsumerGroupSource(consumer: consumer), rebalanced: rebalanced, store: store, catalog: catalog, logger: logger)
    }

    /// A bounded run over `source` (a recompute); ends when the source is exhausted and every
    /// timer event time reached has fired.
    public convenience init(options: ProcessorOptions, history source: HistorySource, store: RedisProfileStore, catalog: DefinitionCatalog, logger: Logger) throws {
        try self.init(options: options, source: source, rebalanced: Rebalanced(), store: store, catalog: catalog, logger: logger)
    }

    private init(
        options: ProcessorOptions, source: ProfileInputSource, rebalanced: Rebalanced, store: RedisProfileStore,
        catalog: DefinitionCatalog, logger: Logger
    ) throws {
        self.options = options
        self.store = store
        self.catalog = catalog
        self.logger = logger
        decoder = InputDecoder(
            mapping: options.mapping, topicPrefix: options.topicPrefix, cdcTopicPrefix: options.cdcTopicPrefix,
            eventFieldTypes: DefinitionValidator.standardEventFields)
        self.rebalanced = rebalanced
        self.source = source
        background = try BackgroundFlush(lanes: options.flushLanes, like: store)
        let producer = try KafkaProducer(
            configuration: KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: options.bootstrapServers)), logger: logger)
        deadLetters = DeadLetters(producer: producer, topic: options.deadLetterTopic)
        status = ProcessorStatus(groupId: options.groupId)
        watermarks = SplitWatermarks(delayMs: options.watermarkDelayMs, idleTimeoutMs: options.idleTimeoutMs, followWallClock: options.followWallClock)
    }

    /// The topics read.
    public var topics: [String] { decoder.topics }

    /// Runs until `options.shouldStop` or, with `exitWhenIdleMs`, until idle.
    public func run() throws {
        try source.start(topics: decoder.topics)
        profileGeneration = try store.generation()
        logger.info("processor started", metadata: [
            "topics": "\(decoder.topics.joined(separator: ","))", "group": "\(options.groupId)", "generation": "\(profileGeneration)"])
        lastActivityMs = Self.wallMs()
        while !options.shouldStop() {
            var messages = try source.poll(maxMessages: options.maxBatch, timeoutMs: options.pollTimeoutMs)
            let fired: Int
            let started = DispatchTime.now().uptimeNanoseconds
            var processed = started
            var timersDone = started
            do {
                if rebalanced.flag.exchange(false, ordering: .relaxed) { messages = try adoptAssignment(messages) }
                messages = try followGeneration(messages)
                try refreshDefinitions()
                try refreshModels()
                if !messages.isEmpty { try process(messages) }
                processed = DispatchTime.now().uptimeNanoseconds
                fired = try fireTimers()
                try continueReevaluation()
                timersDone = DispatchTime.now().uptimeNanoseconds
                try completeFlush(blocking: false)
                if try flushIsDue(polled: messages.count) { try flush(wait: false) }
            } catch is ProfileGenerationChanged {
                try replayAfterSwitch()
                continue
            } catch let error as RedisError where error.isConnectionFailure || error.serverCode == "LOADING" {
                try waitForRedis(after: error)
                continue
            }
            redisBackoffMs = 0
            if !messages.isEmpty || fired > 0 {
                let done = DispatchTime.now().uptimeNanoseconds
                logger.debug("batch", metadata: [
                    "messages": "\(messages.count)", "timers": "\(fired)",
                    "process_ms": "\((processed - started) / 1_000_000)", "timers_ms": "\((timersDone - processed) / 1_000_000)",
                    "flush_ms": "\((done - timersDone) / 1_000_000)", "backlog": "\((try? source.backlog()).flatMap { $0 }.map(String.init) ?? "unknown")"])
            }
            if !messages.isEmpty || fired > 0 { lastActivityMs = Self.wallMs() }
            if options.reportsStatus { status.reportIfDue(to: store.connection, nowMs: Self.wallMs()) }
            if !reevaluation.isEmpty { lastActivityMs = Self.wallMs() }
            if source.isExhausted, messages.isEmpty, fired == 0, reevaluation.isEmpty { break }
            if let idle = options.exitWhenIdleMs, Self.wallMs() - lastActivityMs >= idle, !owned.isEmpty {
                if try source.lag() == 0 { break }
                lastActivityMs = Self.wallMs()  // quiet, but not at the end yet (a slow fetch): keep going
            }
        }
        try flush()
        source.close()
        logger.info("processor stopped")
    }

    /// Takes the partitions a rebalance gave: checks that no input was lost before them, takes
    /// each one's owner epoch (so a previous owner can no longer write its users), and drops
    /// polled messages of partitions given up (their new owner reads them). Returns the
    /// messages still to process.
    private func adoptAssignment(_ messages: [KafkaMessage]) throws -> [KafkaMessage] {
        // What changed under the partitions held so far goes out first (writes of partitions
        // another processor has taken meanwhile are refused by their epochs).
        try flush()
        owned = Set(try source.assignment().map(\.partition))
        lastActivityMs = Self.wallMs()  // idleness counts from when there is something to read
        watermarks.retain(keyGroups: owned)
        try checkForGaps()
        if !options.deferWrites { epochs = try store.takeOwnership(of: owned.sorted()) }
        try resetKeyedState()  // another processor may have written our new users meanwhile
        logger.info("partitions assigned", metadata: ["partitions": "\(owned.sorted())", "epochs": "\(epochs.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" })"])
        let kept = messages.filter { owned.contains($0.partition) }
        if kept.count < messages.count { logger.info("polled inputs of given-up partitions dropped", metadata: ["inputs": "\(messages.count - kept.count)"]) }
        return try rewindToSwitchPoint(kept)
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

    /// Redis failed mid-batch: waits (with a doubling backoff), forgets what it cached, and
    /// reads every owned partition again from its committed offset. Writes that landed before
    /// the failure are skipped by their fences. A source that cannot rewind (a recompute) fails.
    private func waitForRedis(after error: RedisError) throws {
        redisBackoffMs = min(max(redisBackoffMs * 2, 100), 5_000)
        logger.warning("Redis failed; retrying the batch", metadata: ["error": "\(error)", "retry_in_ms": "\(redisBackoffMs)"])
        redisRetriesCounter.increment()
        usleep(redisBackoffMs * 1_000)
        discardUnflushed()
        guard try source.rewindToCommitted() else { throw error }
        rebalanced.flag.store(true, ordering: .relaxed)  // take the epochs again: another processor may own them now
    }

    /// Takes a new definition generation: every user of the owned partitions is re-evaluated,
    /// and the versions applied are recorded with the input positions they took effect at.
    private func refreshDefinitions() throws {
        let (current, definitions) = catalog.current
        guard current != generation else { return }
        generation = current
        evaluator = ProfileEvaluator(definitions: definitions, models: evaluator.models)
        tagVersions = Dictionary(definitions.tags.map { ($0.name, $0.version) }, uniquingKeysWith: max)
        for problem in definitions.problems { logger.warning("definition not computed", metadata: ["problem": "\(problem)"]) }
        try flush()  // every user read so far is in its partition's user set, so all are re-evaluated
        startReevaluation(of: owned)
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
    private func refreshModels() throws {
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
        try flush()
        startReevaluation(of: unscored)
        scoredPartitions = owned
        logger.info("profiles being re-scored", metadata: ["partitions": "\(unscored.sorted())", "models": "\(modelVersions)"])
    }

    /// Queues every stored user of `partitions` for re-evaluation (from the start of each
    /// partition's user set, also when a scan was under way: it was for older definitions).
    private func startReevaluation(of partitions: Set<Int32>) {
        for partition in partitions { reevaluation[partition] = "0" }
    }

    /// Re-evaluates the next pages of queued users for at most `reevaluationSliceMs`, so a
    /// definition change over millions of users never keeps the loop from polling (and the
    /// group from hearing of this member within `max.poll.interval.ms`). Users that receive
    /// inputs meanwhile are evaluated with the new definitions anyway.
    private func continueReevaluation() throws {
        guard !reevaluation.isEmpty else { return }
        reevaluationSlices += 1
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(options.reevaluationSliceMs) * 1_000_000
        while let partition = reevaluation.keys.min(), DispatchTime.now().uptimeNanoseconds < deadline {
            guard owned.contains(partition), let cursor = reevaluation[partition] else {
                reevaluation.removeValue(forKey: partition)
                continue
            }
            let page = try store.users(partition: partition, cursor: cursor)
            reevaluated += try update(users: page.users, partition: partition) { _, _ in true }
            reevaluation[partition] = page.cursor == "0" ? nil : page.cursor
            if dirtyUsers.count >= options.flushProfiles { try flush(wait: false) }
        }
        if reevaluation.isEmpty {
            logger.info("profiles re-evaluated", metadata: ["changed": "\(reevaluated)", "slices": "\(reevaluationSlices)"])
            reevaluated = 0
            reevaluationSlices = 0
        }
    }

    private func process(_ messages: [KafkaMessage]) throws {
        let wall = Self.wallMs()
        var order: [String] = []
        var inputs: [String: [Pending]] = [:]
        var partitionOf: [String: Int32] = [:]
        for message in messages {
            let (source, split) = sourceNames.source(topic: message.topic, partition: message.partition, in: &watermarks)
            pendingCommits[source] = message.nextPosition
            positions[source] = message.offset
            switch decoder.decode(topic: message.topic, value: message.value) {
            case .ignored: continue
            case .deadLetter(let reason): if options.sendsDeadLetters { try deadLetters.send(reason: reason, message: message) }
            case .input(let input):
                if case .event = input {  // row commit times are not event time
                    watermarks.observe(split: split, eventMs: input.timestampMs, wallMs: wall)
                }
                if inputs[input.userId] == nil { order.append(input.userId) }
                inputs[input.userId, default: []].append(Pending(source: source, offset: message.offset, input: input))
                partitionOf[input.userId] = message.partition
            }
        }
        inputsCounter.increment(by: messages.count)
        pendingInputs += messages.count
        // One round trip for every user the batch reads from Redis: each waits in Redis
        // behind the flush transaction running there, so fewer trips mean less waiting.
        try load(order.filter { cache[$0] == nil }, partition: nil, partitionOf: partitionOf)
        for start in stride(from: 0, to: order.count, by: 1_000) {
            let chunk = Array(order[start..<min(start + 1_000, order.count)])
            try update(users: chunk, partition: nil, partitionOf: partitionOf, foldsInputs: true) { state, folded in
                var admitted = false
                for pending in inputs[state.userId] ?? [] where state.admit(source: pending.source, offset: pending.offset) {
                    // Issue 17 item 4 hook: a retried event (same event_id) is not folded twice;
                    // the fence still moved, so the state is written.
                    guard EventDeduplication.admit(pending.input, into: &state) else { admitted = true; continue }
                    if admitted, self.options.onProfilesWritten != nil {  // the step before this input
                        var step = state
                        self.evaluator.evaluate(&step)
                        self.steps[state.userId, default: []].append(step)
                    }
                    self.evaluator.apply(pending.input, to: &state)
                    folded.note(pending.input)
                    admitted = true
                }
                return admitted
            }
        }
    }

    /// Fires the timers that event time has passed, partition by partition.
    private func fireTimers() throws -> Int {
        var fired = 0
        // The observer hears of watermarks with the flush that writes what they passed.
        partitionWatermarks = partitionWatermarks.filter { owned.contains($0.key) }
        // A finished replay holds nothing back: every input counts as idle, as at a stream's end.
        let wall = Self.wallMs() + (source.isExhausted ? options.idleTimeoutMs : 0)
        for partition in owned.sorted() {
            let watermark = watermarks.watermark(keyGroup: partition, wallMs: wall)
            guard watermark > .min else { continue }
            partitionWatermarks[partition] = watermark
            for _ in 0..<20 {  // bounded per loop so input keeps flowing
                let due = dueTimers(partition: partition, upTo: watermark)
                if due.isEmpty { break }
                let times = Dictionary(due.map { ($0.userId, $0.timeMs) }, uniquingKeysWith: max)
                fired += try update(users: due.map(\.userId), partition: partition) { state, _ in
                    // Every timer up to the watermark, in order, in memory: the same state as
                    // firing them one by one, without a round trip each; update() evaluates.
                    let count = self.evaluator.advanceThroughTimers(&state, from: times[state.userId] ?? state.clockMs, upTo: watermark)
                    self.timersCounter.increment(by: count)
                    return true
                }
            }
        }
        return fired
    }

    /// The users of `partition` whose timer is due by `watermark`, from the in-memory queue.
    /// Moves keep the queue exact; an entry that disagrees with a held profile's timer is
    /// still skipped, as a safeguard.
    private func dueTimers(partition: Int32, upTo watermark: Int64) -> [(userId: String, timeMs: Int64)] {
        while true {
            let popped = timers.popDue(partition: partition, upTo: watermark, limit: 1_000)
            if popped.isEmpty { return [] }
            var seen: Set<String> = []
            let current = popped.filter { entry in
                if let held = cache[entry.userId], held.state.nextTimerMs != entry.timeMs { return false }
                return seen.insert(entry.userId).inserted
            }
            if !current.isEmpty { return current }
        }
    }

    /// Loads `users` (from memory or Redis) and lets `change` fold inputs in or move the clock
    /// (returning whether anything changed), then re-evaluates; a profile that changed is held
    /// dirty for the next flush. Returns how many changed.
    ///
    /// With `foldsInputs`, an admitted input always changes the profile (its fence moves), so
    /// the state is taken out of the held profile and changed in place instead of being copied
    /// (which would copy every table it touches) and compared afterwards.
    @discardableResult
    private func update(
        users: [String], partition fixedPartition: Int32?, partitionOf: [String: Int32] = [:], foldsInputs: Bool = false,
        change: (inout ProfileState, inout FoldedInputs) -> Bool
    ) throws -> Int {
        try load(users.filter { cache[$0] == nil }, partition: fixedPartition, partitionOf: partitionOf)
        let takesState = foldsInputs && options.onProfilesWritten == nil  // an observer sees the state before
        var changed = 0
        for userId in users {
            // Changed in place in the table: taking it out and putting it back costs a deletion,
            // which re-hashes the run of entries after it (a third of the loop with 1M users).
            guard let index = cache.index(forKey: userId) else { continue }
            if update(&cache.values[index], userId: userId, takesState: takesState, change: change) { changed += 1 }
        }
        return changed
    }

    /// ``update(users:partition:partitionOf:foldsInputs:change:)`` for one held profile.
    private func update(
        _ held: inout HeldProfile, userId: String, takesState: Bool, change: (inout ProfileState, inout FoldedInputs) -> Bool
    ) -> Bool {
        let timerBefore = held.state.nextTimerMs
        var state = held.state
        if takesState { held.state = ProfileState(userId: userId) }
        var folded = FoldedInputs()
        guard change(&state, &folded) else {
            if takesState { held.state = state }
            return false
        }
        evaluator.evaluate(&state)
        // A re-evaluation, timer or re-scoring that changes nothing writes nothing.
        if !takesState, folded.events.isEmpty, state == held.state { return false }
        if held.isDirty {
            // The profile this one replaces was never written: the observer still sees it.
            if options.onProfilesWritten != nil { steps[userId, default: []].append(held.state) }
        } else {
            dirtyUsers.append(userId)
        }
        held.state = state
        held.noteChange(folded: folded)
        timers.move(partition: held.partition, userId: userId, from: timerBefore, to: state.nextTimerMs)
        return true
    }

    /// Reads the stored states of `users` into memory, giving new users dense ids.
    private func load(_ users: [String], partition fixedPartition: Int32?, partitionOf: [String: Int32]) throws {
        guard !users.isEmpty else { return }
        let loaded = try store.loadStates(users)
        let newUsers = zip(users, loaded).filter { $0.1 == nil }.map(\.0)
        let existingIds = try store.existingDenseIds(newUsers)
        let needed = newUsers.filter { existingIds[$0] == nil }.count
        var nextDense = needed == 0 ? 0 : try store.reserveDenseIds(needed)
        for (userId, stored) in zip(users, loaded) where cache[userId] == nil {
            var state = stored ?? ProfileState(userId: userId)
            if state.denseId == nil {
                if let existing = existingIds[userId] { state.denseId = existing } else { state.denseId = nextDense; nextDense += 1 }
            }
            let partition = fixedPartition ?? partitionOf[userId] ?? 0
            cache[userId] = HeldProfile(state: state, stored: stored, partition: partition)
        }
    }

    /// Whether to write out what changed now. Live and caught up (the poll did not fill a
    /// batch), as soon as the previous flush is done: freshness, with flushes as large as the
    /// input rate makes them. Behind, every `flushIntervalMs` or after `flushProfiles` changed
    /// users, so a backlog coalesces many inputs per write. A bounded run with deferred writes
    /// flushes at its end, and before that only when it holds more than `cacheLimit` profiles
    /// (writing them lets the next flush drop the clean ones: memory stays bounded however many
    /// users the history has).
    func flushIsDue(polled: Int) throws -> Bool {
        if options.deferWrites { return cache.count > options.cacheLimit }
        if dirtyUsers.count >= options.flushProfiles { return true }
        let caughtUp = try polled == 0 || (source.backlog() ?? .max) < Int64(options.maxBatch)
        if caughtUp { return inFlight == nil }
        return Self.wallMs() - lastFlushMs >= options.flushIntervalMs
    }

    /// Writes every changed profile once (the difference from what Redis holds), then commits
    /// the input positions read so far: Kafka learns of an input only once its effect is in
    /// Redis. The write runs in the background (``BackgroundFlush``) while the processor folds
    /// the next inputs; with `wait` (before anything that needs Redis up to date) it is
    /// awaited. The previous flush is always completed first, so flushes land in order.
    func flush(wait: Bool = true) throws {
        try completeFlush()
        lastFlushMs = Self.wallMs()
        if cache.count > options.cacheLimit { evictClean() }
        var flight = FlushInFlight(commits: Array(pendingCommits.values), inputs: pendingInputs, watermarks: partitionWatermarks)
        var changed: [HeldProfile] = []
        for userId in dirtyUsers {
            guard var held = cache[userId], held.isDirty else { continue }
            changed.append(held)
            flight.users.append(userId)
            flight.partitions.append(held.partition)
            flight.latestEventMs.append(held.latestEventMs)
            if options.onProfilesWritten != nil {
                flight.observed += (steps.removeValue(forKey: userId) ?? []).map { ($0, held.partition) } + [(held.state, held.partition)]
            }
            held.markWritten()  // if the write fails, everything not committed is read again
            cache[userId] = held
        }
        dirtyUsers.removeAll(keepingCapacity: true)
        steps.removeAll(keepingCapacity: true)
        pendingCommits.removeAll(keepingCapacity: true)
        pendingInputs = 0
        guard !changed.isEmpty || !flight.commits.isEmpty || flight.inputs > 0 || flight.watermarks != reportedWatermarks else { return }
        var lanes = [[Int]](repeating: [], count: background.stores.count)
        for (index, held) in changed.enumerated() { lanes[background.lane(of: held.partition)].append(index) }
        flight.lanes = lanes
        let (tagVersions, generation, profiles, byLane) = (tagVersions, profileGeneration, changed, lanes)
        let epochs = options.deferWrites ? [:] : epochs
        background.start { store, lane in
            let writes = byLane[lane].map { profiles[$0].write(tagVersions: tagVersions) }
            return try store.write(writes, updatedMs: Self.wallMs(), generation: generation, epochs: epochs)
        }
        inFlight = flight
        if wait { try completeFlush() }
    }

    /// Waits for the flush in flight (without `blocking`, only takes it if it has finished),
    /// then commits its inputs and reports what it wrote.
    private func completeFlush(blocking: Bool = true) throws {
        guard let flight = inFlight, let result = background.wait(blocking: blocking) else { return }
        inFlight = nil
        let byLane = try result.get()
        var outcomes = [WriteOutcome](repeating: .written, count: flight.users.count)
        for (lane, indices) in flight.lanes.enumerated() {
            for (index, outcome) in zip(indices, byLane[lane]) { outcomes[index] = outcome }
        }
        let now = Self.wallMs()
        var refused: Set<Int32> = []
        var lags: [Int64] = []
        var written = 0
        for (index, userId) in flight.users.enumerated() {
            guard outcomes[index] == .written else {
                refused.insert(flight.partitions[index])
                cache.removeValue(forKey: userId)
                notOwnerCounter.increment()
                continue
            }
            written += 1
            if let eventMs = flight.latestEventMs[index] {
                lags.append(now - eventMs)
                freshness.record(Double(now - eventMs) / 1_000)
            }
        }
        if !refused.isEmpty {
            logger.warning("writes refused: another processor owns these partitions now", metadata: ["partitions": "\(refused.sorted())"])
            rebalanced.flag.store(true, ordering: .relaxed)  // find out what this processor still owns
        }
        writesCounter.increment(by: written)
        try deadLetters.flush()
        // A refused partition's inputs were not written: its position must not move (whoever
        // owns it now, this processor again included, reads them from the committed offset).
        let commits = flight.commits.filter { !refused.contains($0.partition) }
        if !commits.isEmpty, try !source.commit(commits) {
            logger.info("commit skipped: the group is rebalancing; the next owner replays these inputs behind their fences")
            rebalanced.flag.store(true, ordering: .relaxed)
        }
        if flight.inputs > 0 || written > 0 {
            options.onBatch?(flight.inputs, lags)
            status.record(inputs: flight.inputs, writes: written, lagsMs: lags)
        }
        if let observer = options.onProfilesWritten, !flight.observed.isEmpty || flight.watermarks != reportedWatermarks {
            observer(WrittenProfiles(profiles: flight.observed.filter { !refused.contains($0.partition) }, watermarks: flight.watermarks))
        }
        reportedWatermarks = flight.watermarks
    }

    /// Bounds memory: drops clean held profiles (Redis has acknowledged them; called once no
    /// flush is in flight) down to three quarters of `cacheLimit`; they are read from Redis
    /// again when next touched.
    ///
    /// The table is rebuilt rather than thinned: deleting the first entries in bucket order
    /// leaves one long run of occupied buckets behind, and with 1M users a lookup that misses
    /// then probed for ~40 µs instead of ~40 ns (most of the loop's time).
    private func evictClean() {
        let excess = cache.count - options.cacheLimit * 3 / 4
        guard excess > 0 else { return }
        var dropped = 0
        cache = cache.filter { entry in
            guard !entry.value.isDirty, dropped < excess else { return true }
            dropped += 1
            return false
        }
    }

    /// Forgets everything not yet written (after a failed write: its inputs are read again).
    private func discardUnflushed() {
        _ = background.wait()
        inFlight = nil
        cache.removeAll()
        dirtyUsers.removeAll()
        steps.removeAll()
        pendingCommits.removeAll()
        pendingInputs = 0
    }

    /// Starts the keyed state over for the partitions owned now: nothing held in memory, and
    /// the timers of the owned partitions read from Redis (a bounded run keeps its own).
    func resetKeyedState() throws {
        discardUnflushed()
        guard !options.deferWrites else { return }
        timers = ProfileTimers()
        for partition in owned.sorted() {
            for timer in try store.allTimers(partition: partition) {
                timers.move(partition: partition, userId: timer.userId, from: nil, to: timer.timeMs)
            }
        }
    }

    static func wallMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1_000) }
}

/// Inputs were dropped by the broker before this processor's group read them.
public struct InputsLost: Error, CustomStringConvertible {
    public var gaps: [InputGap]
    public var description: String {
        "inputs lost before they were read: \(gaps.map(\.description).joined(separator: ", ")); "
            + "restore them from the history archive with a recompute (docs/RECOMPUTE.md), or run with --accept-input-loss to carry on without them"
    }
}
