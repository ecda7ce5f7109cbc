import Foundation
import Kafka
import PortraitCore
import PortraitProcessor
import Redis
import Synchronization
import Testing

/// The tags issue's crash test: `portrait process` is killed with SIGKILL at seeded random
/// moments while behaviour events keep arriving, and restarted each time; its final profiles
/// must equal those of an uninterrupted run over the same topic (exactly-once effect).
@Suite("Processor killed with SIGKILL under load (processes)", .serialized)
struct ProcessorCrashTests {
    static let users = 300
    static let events = 50_000
    static let start: Int64 = 1_767_225_600_000  // 2026-01-01

    @Test func killedRunEndsEqualToAnUninterruptedRun() throws {
        let executable = try IngestCrashTests.portraitExecutable()
        let (mock, bootstrap) = try startKafkaMock(executable, topics: ["portrait.events:4", "portrait.control:1", "portrait.dlq:1"])
        defer { mock.closeStdinAndWait() }
        let killed = try ProcessorTestEnvironment(name: "crash_meta", redisDB: 8, bootstrap: bootstrap)
        let uninterrupted = try killed.withRedis(db: 9)
        for arguments in Self.definitions {
            let result = try killed.portrait(arguments)
            #expect(result.status == 0, "\(arguments.prefix(3)): \(result.output)")
        }
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-proc-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let mapping = try ProcessorTestEnvironment.mappingFile(database: "portrait_test_cdc_unused", directory: logs)
        let arguments = ["process", "--mapping", mapping.path, "--no-wall-clock", "--watermark-delay", "1h", "--session-timeout", "6s"]

        // Events keep arriving while the processor is killed and restarted.
        let producer = EventLoad(bootstrap: bootstrap, users: Self.users, events: Self.events, start: Self.start)
        producer.start()
        defer { producer.stop() }
        var random = SeededGenerator(seed: 0xFEED)
        let kills = 5
        for run in 0..<kills {
            let processor = try killed.start(arguments + ["--group", "killed"], log: logs.appendingPathComponent("killed-\(run).log"))
            // Beyond the session timeout, so the group has given the dead run's partitions to this one.
            Thread.sleep(forTimeInterval: Double.random(in: 7.0...10.0, using: &random))
            let status = processor.signal(SIGKILL)
            #expect(status.reason == .uncaughtSignal, "run \(run) was still running when killed (log: \(processor.logTail()))")
        }
        let writtenByKilledRuns = try Snapshot.keys(killed.redis(), "p:*").count
        #expect(writtenByKilledRuns > 0, "the killed runs were processing when killed")
        producer.waitUntilDone()
        #expect(producer.failure == nil, "\(producer.failure ?? "")")

        let last = try killed.start(arguments + ["--group", "killed", "--exit-when-idle", "4s"], log: logs.appendingPathComponent("killed-last.log"))
        #expect(last.waitForExit().code == 0, "the last run caught up and exited (log: \(last.logTail()))")
        let clean = try uninterrupted.start(arguments + ["--group", "uninterrupted", "--exit-when-idle", "4s"], log: logs.appendingPathComponent("clean.log"))
        #expect(clean.waitForExit().code == 0, "the uninterrupted run exited (log: \(clean.logTail()))")

        let expected = try Snapshot(uninterrupted)
        let actual = try Snapshot(killed)
        print("processor crash test: \(kills) kills, \(Self.events) events, \(expected.profiles.count) profiles, \(writtenByKilledRuns) written before the last run")
        #expect(expected.profiles.count == Self.users)
        #expect(expected.profiles.values.contains { $0["t.buyer"] == "true" } && expected.profiles.values.contains { $0["t.lapsed"] == "true" },
                "the history exercises the tags")
        #expect(actual.profiles.count == expected.profiles.count)
        for (key, profile) in expected.profiles where actual.profiles[key] != profile {
            Issue.record("\(key) differs: killed run \(actual.profiles[key] ?? [:]) vs uninterrupted \(profile)")
            break
        }
        #expect(actual.states == expected.states, "engine state equal (dense ids aside)")
        #expect(actual.timers == expected.timers)
        #expect(actual.bitmapCounts == expected.bitmapCounts)
        #expect(actual.recentEvents == expected.recentEvents, "every event in each user's recent-events list exactly once, in order")
        #expect(expected.recentEvents.count == Self.users)
        try? FileManager.default.removeItem(at: logs)
    }

    static let definitions: [[String]] = [
        ["metrics", "create", "purchases_7d", "--filter", "event.type == \"purchase\"", "--aggregation", "count", "--window", "7d", "--status", "active"],
        ["metrics", "create", "spend_30d", "--filter", "event.type == \"purchase\"", "--aggregation", "sum", "--field", "amount", "--window", "30d", "--status", "active"],
        ["metrics", "create", "categories_30d", "--aggregation", "distinct", "--field", "category", "--window", "30d", "--status", "active"],
        ["metrics", "create", "last_purchase", "--filter", "event.type == \"purchase\"", "--aggregation", "last_seen", "--window", "lifetime", "--status", "active"],
        ["metrics", "create", "views_1d", "--filter", "event.type == \"view\"", "--aggregation", "count", "--window", "1d", "--status", "active"],
        ["tags", "create", "buyer", "--expression", "metric.purchases_7d >= 2", "--status", "active"],
        ["tags", "create", "lapsed", "--expression", "days_since(metric.last_purchase) > 3", "--status", "active"],
        ["tags", "create", "tier", "--kind", "enumerated", "--expression",
         "case when metric.spend_30d > 300 then \"gold\" when metric.spend_30d > 100 then \"silver\" else \"bronze\" end", "--status", "active"],
        ["tags", "create", "active_viewer", "--expression", "metric.views_1d >= 3 and not tag.lapsed", "--status", "active"],
    ]

    /// Everything the processor wrote that must not depend on crashes: profile fields (without
    /// the write time and the dense id), decoded state (without the dense id), timers, and
    /// how many users each tag bitmap (and the population bitmap) holds, and each user's
    /// recent events. (Tag and metric histories are not compared: timers interleave with events
    /// by watermark, so intermediate steps may be timed differently; the final values are.)
    struct Snapshot: Equatable {
        var profiles: [String: [String: String]] = [:]
        var states: [String: [UInt8]] = [:]
        var timers: [String: [String]] = [:]
        var bitmapCounts: [String: Int64] = [:]
        var recentEvents: [String: [String]] = [:]

        init(_ env: ProcessorTestEnvironment, keepDenseIds: Bool = false) throws {
            let redis = try env.redis()
            for key in try Self.keys(redis, "p:*") {
                var profile = try env.profile(String(key.dropFirst(3).dropLast()))
                profile["_updated"] = nil
                if !keepDenseIds { profile["_id"] = nil }
                profiles[key] = profile
            }
            let store = RedisProfileStore(connection: redis)  // reads the state keys lists blobs refer to
            for key in try Self.keys(redis, "s:*") {
                guard var state = try store.state(String(key.dropFirst(3).dropLast())) else { continue }
                if !keepDenseIds { state.denseId = nil }
                states[key] = ProfileStateCodec.encode(state, keys: StateKeys(state.metricStates.names))
            }
            for key in try Self.keys(redis, "tm:*") {
                timers[key] = (try redis.command("ZRANGE", key, 0, -1, "WITHSCORES").array ?? []).compactMap(\.string)
            }
            for key in try Self.keys(redis, "ev:*") {
                recentEvents[key] = (try redis.command("LRANGE", key, 0, -1).array ?? []).compactMap(\.string)
            }
            for key in try Self.keys(redis, "bm:*") + Self.keys(redis, "pop:*") {
                let name = String(key[..<key.lastIndex(of: ":")!])
                bitmapCounts[name, default: 0] += try redis.command("BITCOUNT", key).int ?? 0
            }
            // A bitmap whose bits were all cleared again holds no one, like one never created: a
            // recompute folds a user's history in one write and never sets the passing values.
            bitmapCounts = bitmapCounts.filter { $0.value > 0 }
        }

        static func keys(_ redis: RedisConnection, _ pattern: String) throws -> [String] {
            (try redis.command("KEYS", pattern).array ?? []).compactMap(\.string)
        }
    }
}

/// Produces a deterministic behaviour history (views, carts, purchases of `users` users over
/// 40 days, roughly in time order) to `portrait.events` in chunks, as a steady load.
final class EventLoad: Sendable {
    let bootstrap: String
    let users: Int
    let events: Int
    let firstEventMs: Int64
    let seed: UInt64
    private let done = DispatchSemaphore(value: 0)
    private let stopped = Atomic<Bool>(false)
    private let failureText = Mutex<String?>(nil)

    /// How long the producer rests after each 500 events.
    let chunkPause: Double

    init(bootstrap: String, users: Int, events: Int, start: Int64, seed: UInt64 = 42, chunkPause: Double = 0.25) {
        self.bootstrap = bootstrap
        self.chunkPause = chunkPause
        self.seed = seed
        self.users = users
        self.events = events
        firstEventMs = start
    }

    var failure: String? { failureText.withLock { $0 } }

    func start() {
        Thread { [self] in
            defer { done.signal() }
            do { try produce() } catch { failureText.withLock { $0 = "\(error)" } }
        }.start()
    }

    func stop() { stopped.store(true, ordering: .relaxed) }

    func waitUntilDone() { done.wait(); done.signal() }

    private func produce() throws {
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: bootstrap)))
        var random = SeededGenerator(seed: seed)
        let span: Int64 = 40 * 86_400_000
        let categories = ["books", "toys", "garden", "music", "food", "sport"]
        for index in 0..<events {
            if stopped.load(ordering: .relaxed) { return }
            let user = "u\(Int.random(in: 0..<users, using: &random))"
            let jitter = Int64.random(in: -1_800_000...1_800_000, using: &random)
            let ts = firstEventMs + span * Int64(index) / Int64(events) + jitter
            let roll = Int.random(in: 0..<10, using: &random)
            let type = roll < 7 ? "view" : (roll < 9 ? "purchase" : "cart")
            let amount = type == "purchase" ? String(format: ",\"amount\":%.2f", Double.random(in: 5...120, using: &random)) : ""
            let category = categories[Int.random(in: 0..<categories.count, using: &random)]
            let json = "{\"user_id\":\"\(user)\",\"type\":\"\(type)\",\"ts\":\(ts),\"category\":\"\(category)\"\(amount)}"
            try producer.enqueue(topic: "portrait.events", key: Array(user.utf8), value: Array(json.utf8))
            if index % 500 == 499 {
                try producer.flush()
                Thread.sleep(forTimeInterval: chunkPause)
            }
        }
        try producer.flush()
    }
}
