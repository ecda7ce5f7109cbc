import ArgumentParser
import EventArchive
import Foundation
import Kafka
import Logging
import PortraitConfig
import PortraitCore
import PortraitProcessor
import Redis
import Synchronization

/// `portrait bench processor`: events/s through `ProfileProcessor` (Kafka mock in, Redis out)
/// with many metrics and tags, and the Redis memory a profile costs.
struct ProcessorBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "processor",
        abstract: "Behaviour events through the profile processor into Redis; prints one JSON line.",
        discussion: "Empties the Redis database --redis-db of the configured server.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Events produced before the processor starts.") var events = 1_000_000
    @Option(help: "Distinct users.") var users = 1_000_000
    @OptionGroup var definitions: BenchDefinitionOptions
    /// The mock cluster keeps about 5 MiB per partition and drops older data silently: 64
    /// partitions hold the default million events (≈110 MB) with room to spare.
    @Option(help: "Partitions of the events topic (the mock keeps about 5 MiB each).") var partitions = 64
    @Option(help: "Redis database used (emptied).") var redisDb = 7
    @Option(help: "Live mode: produce this many events/s (timed now) while the processor runs, and report freshness.") var rate: Int?
    @Option(help: "Live mode: events over the same users read before the timed ones start, so these meet profiles that exist already (a platform in use) instead of a new user each.") var warmEvents = 0
    @Option(help: "Flush lanes (threads with their own Redis connection).") var flushLanes = ProcessorOptions.defaultFlushLanes
    @Option(help: "Most inputs read per poll.") var maxBatch = ProcessorOptions.defaultMaxBatch

    func run() throws {
        let configuration = try global.bootstrap()
        var redisConfiguration = configuration.redis
        redisConfiguration.database = redisDb
        let redis = try RedisConnection(configuration: redisConfiguration)
        _ = try redis.command("FLUSHDB")
        let memoryBefore = try Self.usedMemory(redis)

        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("bench.events", partitions: partitions)
        let produceStart = Date()
        let bootstrap = cluster.bootstrapServers
        let (events, users, rate, warmEvents) = (events, users, rate, rate == nil ? 0 : warmEvents)
        // Read (flushed) inputs so far, and whether the timed events have begun (freshness is
        // counted from then on).
        let progress = Mutex<(inputs: Int, written: Int, first: Date?, firstInputs: Int, last: Date?)>((0, 0, nil, 0, nil))
        let timed = Atomic<Bool>(warmEvents == 0)
        if let rate {  // live: the processor starts first, events arrive at `rate` with the current time
            if warmEvents > 0 { try BenchEvents.produce(bootstrap: bootstrap, topic: "bench.events", events: warmEvents, users: users, rate: nil) }
            Thread {
                Thread.sleep(forTimeInterval: 3)  // group join
                while progress.withLock({ $0.inputs < warmEvents }) { Thread.sleep(forTimeInterval: 0.1) }
                timed.store(true, ordering: .releasing)
                try? BenchEvents.produce(bootstrap: bootstrap, topic: "bench.events", events: events, users: users, rate: rate)
            }.start()
        } else {
            try BenchEvents.produce(bootstrap: bootstrap, topic: "bench.events", events: events, users: users, rate: nil)
        }
        let produceSeconds = Date().timeIntervalSince(produceStart)
        if rate == nil { try Self.requireNothingDropped(bootstrap: bootstrap, topic: "bench.events", partitions: partitions) }

        let catalog = try definitions.catalog()

        var mapping = ProfileMapping()
        mapping.eventTopics = ["events"]
        var options = ProcessorOptions(bootstrapServers: cluster.bootstrapServers, mapping: mapping)
        options.topicPrefix = "bench"
        options.groupId = "bench"
        options.followWallClock = false
        options.flushLanes = flushLanes
        options.maxBatch = maxBatch
        // `first`: when the first flush was acknowledged, and the inputs it held (the rate after
        // it leaves out the consumer group's join, a few seconds that a short run would count).
        let total = events + warmEvents
        let lags = Mutex<[Int64]>([])
        // Per 10 s of the run, its freshness lags: whether a p99 comes from the start (every
        // user new) or holds throughout.
        let lagsByWindow = Mutex<[Int: [Int64]]>([:])
        let runStart = Date()
        options.onBatch = { inputs, written, freshness in
            if timed.load(ordering: .acquiring) {
                lags.withLock { $0.append(contentsOf: freshness) }
                lagsByWindow.withLock { $0[Int(Date().timeIntervalSince(runStart) / 10), default: []].append(contentsOf: freshness) }
            }
            progress.withLock { state in
                state.inputs += inputs
                state.written += written
                if state.first == nil { (state.first, state.firstInputs) = (Date(), state.inputs) }
            }
        }
        // Counting inputs is not enough: a rebalance under load makes the processor read some
        // again, and a run that stopped at the count would end early with a rate too high.
        let completion = try BenchCompletion(bootstrap: bootstrap, group: options.groupId, topic: "bench.events", partitions: partitions)
        options.shouldStop = {
            guard progress.withLock({ $0.inputs >= total && $0.last == nil }) else { return progress.withLock { $0.last != nil } }
            guard completion.everythingCommitted() else { return false }
            progress.withLock { $0.last = Date() }
            return true
        }
        let logger = Logger(label: "portrait.bench")  // PORTRAIT_LOG_LEVEL=debug shows per-batch timings
        // Redis's share of the work, and the append-only-file rewrites inside the run (each one
        // forks and serialises the dataset on a core the processor needs: what a live run's
        // worst 10 s windows come from on this machine).
        let redisBefore = try Self.redisWork(redis)
        let start = Date()
        try ProfileProcessor(options: options, store: RedisProfileStore(connection: redis), catalog: catalog, logger: logger).run()
        let finished = progress.withLock { $0 }
        let seconds = (finished.last ?? Date()).timeIntervalSince(start)
        let redisAfter = try Self.redisWork(redis)
        let profiles = try redis.command("DBSIZE").int ?? 0
        let bytesPerProfile = Double(try Self.usedMemory(redis) - memoryBefore) / Double(max(1, users))
        let sorted = lags.withLock { $0.sorted() }
        func percentile(_ p: Double) -> Int64 { Self.percentile(sorted, p) ?? -1 }
        printBenchmarkLine([
            ("bench", rate == nil ? "processor" : "processor_live"), ("rate", rate ?? 0),
            ("freshness_p50_ms", rate == nil ? -1 : percentile(0.5)), ("freshness_p99_ms", rate == nil ? -1 : percentile(0.99)),
            ("freshness_p99_ms_per_10s", rate == nil ? [] : Self.windowPercentiles(lagsByWindow.withLock { $0 }, 0.99)),
            ("events", events), ("warm_events", warmEvents), ("users", users), ("metrics", definitions.metrics), ("tags", definitions.tags),
            ("produce_events_per_s", rate == nil ? Double(events) / produceSeconds : Double(rate!)), ("wall_s", seconds),
            ("events_per_s", Double(total) / seconds),
            ("after_join_events_per_s", finished.first.flatMap { first in
                finished.last.map { Double(total - finished.firstInputs) / max(0.001, $0.timeIntervalSince(first)) } } ?? -1),
            ("inputs_read", finished.inputs),
            // Writes per event: every input changes its profile, timers and re-evaluations add
            // writes, coalescing within a flush removes them.
            ("profile_writes_per_event", Double(finished.written) / Double(max(1, total))),
            ("redis_cpu_us_per_event", (redisAfter.cpuSeconds - redisBefore.cpuSeconds) * 1e6 / Double(max(1, total))),
            ("aof_rewrites", redisAfter.aofRewrites - redisBefore.aofRewrites),
            ("redis_keys", profiles),
            ("redis_bytes_per_user", bytesPerProfile), ("peak_rss_mb", peakResidentMegabytes()),
        ])
        withExtendedLifetime(cluster) {}
    }

    /// Whether the processor's group has committed every partition's end (checked at most
    /// every 200 ms: each check asks the broker once per partition).
    final class BenchCompletion: Sendable {
        private let consumer: KafkaConsumer
        private let partitions: [KafkaTopicPartition]
        private let lastCheck = Mutex<Date>(.distantPast)

        /// A consumer in `group` that never joins it: it only reads the group's commits.
        init(bootstrap: String, group: String, topic: String, partitions: Int) throws {
            consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(
                client: KafkaClientConfiguration(bootstrapServers: bootstrap, properties: ["enable.auto.commit": "false"]), groupId: group))
            self.partitions = (0..<Int32(partitions)).map { KafkaTopicPartition(topic: topic, partition: $0, offset: nil) }
        }

        func everythingCommitted() -> Bool {
            let due = lastCheck.withLock { last in
                guard Date().timeIntervalSince(last) >= 0.2 else { return false }
                last = Date()
                return true
            }
            guard due, let committed = try? consumer.committed(partitions) else { return false }
            return committed.allSatisfy { position in
                guard let high = try? consumer.watermarks(topic: position.topic, partition: position.partition).high else { return false }
                return (position.offset ?? 0) >= high
            }
        }
    }

    /// A run over a topic the mock already truncated would wait forever for inputs that are gone.
    static func requireNothingDropped(bootstrap: String, topic: String, partitions: Int) throws {
        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: bootstrap), groupId: "bench-check"))
        defer { consumer.close() }
        for partition in 0..<Int32(partitions) {
            let low = try consumer.watermarks(topic: topic, partition: partition).low
            guard low == 0 else {
                throw ValidationError("the mock cluster dropped \(low) events of \(topic)[\(partition)] (it keeps about 5 MiB per partition): use more --partitions or fewer --events")
            }
        }
    }

    /// The `p` percentile of each window's lags, windows in order (empty windows left out).
    static func windowPercentiles(_ windows: [Int: [Int64]], _ p: Double) -> [Int64] {
        windows.sorted { $0.key < $1.key }.compactMap { percentile($0.value.sorted(), p) }
    }

    /// The `p` percentile of `sorted` (ascending); `nil` when it is empty.
    static func percentile(_ sorted: [Int64], _ p: Double) -> Int64? {
        sorted.isEmpty ? nil : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    static func usedMemory(_ redis: RedisConnection) throws -> Int64 {
        Int64(try infoField(redis, section: "memory", "used_memory") ?? 0)
    }

    /// The CPU time of Redis's main thread so far, and the append-only-file rewrites started.
    static func redisWork(_ redis: RedisConnection) throws -> (cpuSeconds: Double, aofRewrites: Int) {
        let system = try infoField(redis, section: "cpu", "used_cpu_sys_main_thread") ?? 0
        let user = try infoField(redis, section: "cpu", "used_cpu_user_main_thread") ?? 0
        return (system + user, Int(try infoField(redis, section: "persistence", "aof_rewrites") ?? 0))
    }

    /// One numeric field of `INFO section`.
    static func infoField(_ redis: RedisConnection, section: String, _ field: String) throws -> Double? {
        let info = try redis.command("INFO", section).string ?? ""
        let prefix = field + ":"
        guard let line = info.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix(prefix) }) else { return nil }
        return Double(line.dropFirst(prefix.count))
    }
}

/// Synthetic behaviour: views, carts and purchases of `users` users over the last 7 days.
enum BenchEvents {
    /// With `archive`, every message also goes into the history archive with the offset it gets
    /// (each user's partition is chosen here, so offsets are known): a history longer than the
    /// mock cluster keeps, as `portrait archive` would have saved it.
    static func produce(
        bootstrap: String, topic: String, events: Int, users: Int, rate: Int?,
        archive: (store: EventArchiveStore, partitions: Int)? = nil
    ) throws {
        // Batches of 20 ms, live too (they were 1 ms): the mock cluster finds a fetch's offset
        // by walking its partition's list of produced batches from the oldest, and answers each
        // fetch with one batch, so its work grows as the square of the number of batches. With
        // 1 ms batches the mock took 37–43 µs per event at 12k events/s, against 9–10 now; a
        // broker looks offsets up in an index (Benchmarks/README.md, "Issue 15, thirteenth step").
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: bootstrap), lingerMs: 20))
        var random = SystemRandomNumberGenerator()
        let now = Int64(Date().timeIntervalSince1970 * 1_000)
        let startedAt = Date()
        let span: Int64 = 7 * 86_400_000
        var archived = BenchArchive(archive)
        for index in 0..<events {
            let number = Int.random(in: 0..<users, using: &random)
            let user = String(number)
            let ts = rate == nil ? now - span + span * Int64(index) / Int64(events) : Int64(Date().timeIntervalSince1970 * 1_000)
            let json = message(index: index, user: user, ts: ts, amount: Int.random(in: 5...300, using: &random))
            if archive == nil {
                try producer.enqueue(topic: topic, key: Array(user.utf8), value: Array(json.utf8))
            } else {
                let partition = try archived.add(topic: topic, user: number, key: Array(user.utf8), value: Array(json.utf8))
                try producer.enqueue(topic: topic, key: Array(user.utf8), value: Array(json.utf8), partition: partition)
            }
            if let rate, index % max(1, rate / 100) == 0 {  // paced in steps of 10 ms
                let due = startedAt.addingTimeInterval(Double(index) / Double(rate))
                let wait = due.timeIntervalSinceNow
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            }
        }
        try producer.flush(timeoutMs: 120_000)
        try archived.flush()
    }
}

extension BenchEvents {
    static let types = ["view", "view", "view", "view", "cart", "purchase"]
    static let categories = ["books", "toys", "garden", "music", "food", "sport", "beauty", "home"]

    /// The `index`th event's JSON text: a view, cart or purchase (with `amount`) of a category.
    static func message(index: Int, user: String, ts: Int64, amount: Int) -> String {
        let type = types[index % types.count]
        let amount = type == "purchase" ? ",\"amount\":\(amount)" : ""
        return "{\"user_id\":\"\(user)\",\"type\":\"\(type)\",\"ts\":\(ts),\"category\":\"\(categories[index % categories.count])\"\(amount)}"
    }
}

/// The archive side of ``BenchEvents``: offsets per partition and segments of 100k records.
struct BenchArchive {
    let target: (store: EventArchiveStore, partitions: Int)?
    private var next: [Int32: Int64] = [:]
    private var pending: [Int32: (topic: String, records: [ArchivedRecord])] = [:]

    init(_ target: (store: EventArchiveStore, partitions: Int)?) {
        self.target = target
    }

    mutating func add(topic: String, user: Int, key: [UInt8], value: [UInt8]) throws -> Int32 {
        let partition = Int32(user % (target?.partitions ?? 1))
        let offset = next[partition, default: 0]
        next[partition] = offset + 1
        let record = ArchivedRecord(offset: offset, timestampMs: Int64(Date().timeIntervalSince1970 * 1_000), key: key, value: value)
        pending[partition, default: (topic, [])].records.append(record)
        if pending[partition]!.records.count >= 100_000 { try flush(partition) }
        return partition
    }

    mutating func flush() throws {
        for partition in pending.keys.sorted() { try flush(partition) }
    }

    private mutating func flush(_ partition: Int32) throws {
        guard let target, let batch = pending.removeValue(forKey: partition), let first = batch.records.first else { return }
        try target.store.write(topic: batch.topic, partition: partition, day: EventArchiveStore.day(ofMs: first.timestampMs ?? 0), records: batch.records)
    }
}

/// `--metrics` and `--tags`: the benchmarks' definition set (``BenchDefinitions``).
struct BenchDefinitionOptions: ParsableArguments {
    @Option(help: "Active metrics.") var metrics = 20
    @Option(help: "Active tags.") var tags = 50

    /// A catalog holding that many metrics and tags of ``BenchDefinitions``' kinds.
    func catalog() throws -> DefinitionCatalog {
        try BenchDefinitions.catalog(metrics: BenchDefinitions.metrics(metrics), tags: BenchDefinitions.tags(tags, metrics: metrics))
    }
}

/// N metrics and M tags of the kinds a data team writes.
enum BenchDefinitions {
    /// A catalog holding `metrics` and `tags` as version 1, all compiled.
    static func catalog(metrics: [MetricDefinition], tags: [TagDefinition]) throws -> DefinitionCatalog {
        let catalog = DefinitionCatalog(validator: DefinitionValidator())
        catalog.update(metrics: metrics.map { .init($0, version: 1) }, tags: tags.map { .init($0, version: 1) })
        let problems = catalog.current.definitions.problems
        guard problems.isEmpty else { throw ValidationError("benchmark definitions do not compile: \(problems)") }
        return catalog
    }

    static func metrics(_ count: Int) throws -> [MetricDefinition] {
        let shapes: [(String, MetricAggregation, String?)] = [
            (#"event.type == "purchase""#, .count, nil), (#"event.type == "purchase""#, .sum, "amount"),
            (#"event.type == "view""#, .count, nil), ("true", .distinct, "category"), (#"event.type == "purchase""#, .lastSeen, nil),
            (#"event.type == "cart""#, .count, nil), (#"event.type == "purchase""#, .max, "amount"),
        ]
        let windows = try ["1d", "7d", "30d", "lifetime"].map(MetricWindow.init(parsing:))
        return (0..<count).map { index in
            let shape = shapes[index % shapes.count]
            return MetricDefinition(name: "m\(index)", filter: shape.0, aggregation: shape.1, field: shape.2,
                                    window: windows[index % windows.count], status: .active)
        }
    }

    static func tags(_ count: Int, metrics: Int) -> [TagDefinition] {
        let numeric = (0..<metrics).filter { ![4].contains($0 % 7) }
        return (0..<count).map { index in
            let metric = numeric[index % numeric.count]
            let expression = index % 5 == 4
                ? #"case when metric.m\#(metric) > \#(index % 3 + 1) then "high" else "low" end"#
                : "metric.m\(metric) >= \(index % 4 + 1)\(index % 3 == 0 ? " and metric.m\(numeric[(index + 1) % numeric.count]) > 0" : "")"
            return TagDefinition(name: "t\(index)", kind: index % 5 == 4 ? .enumerated : .boolean, expression: expression, status: .active)
        }
    }
}
