import EventArchive
import Foundation
import Kafka
import MySQL
import PortraitProcessor
import Redis
import Synchronization
import Testing

/// The scheduled-jobs issue's stream = batch tests: `portrait recompute` rebuilds every profile
/// from the history in Kafka into a new generation and swaps it in; the result must equal what
/// a from-scratch stream run computes, readers must never see a mix of generations, a
/// definition activated later gets its past (a backfill is this run), and live processors
/// catch the new generation up from its switch point.
@Suite("Recompute and generation switch (processes)", .serialized)
struct RecomputeTests {
    static let users = 120
    static let start: Int64 = 1_767_225_600_000  // 2026-01-01
    /// Redis databases: the live one, the recompute's scratch, a from-scratch reference run.
    static let (liveDB, scratchDB, referenceDB) = (5, 4, 3)
    static let definitionAddedLater = ["metrics", "create", "views_lifetime", "--filter", "event.type == \"view\"", "--aggregation", "count", "--window", "lifetime", "--status", "active"]

    @Test func recomputeEqualsAFromScratchStreamAndSwitchesAtomically() throws {
        let fixture = try RecomputeFixture(name: "recompute_meta", partitions: 4)
        defer { withExtendedLifetime(fixture) {} }  // the mock lives until the test ends
        let (live, reference, logs, mapping, bootstrap) = (fixture.live, fixture.reference, fixture.logs, fixture.mapping, fixture.bootstrap)
        let computation = ["--mapping", mapping.path, "--watermark-delay", "1h"]
        let process = ["process"] + computation + ["--no-wall-clock", "--session-timeout", "6s", "--exit-when-idle", "3s"]
        let recompute = ["recompute"] + computation + ["--scratch-db", String(Self.scratchDB), "--workers", "3"]  // uneven shares of 4 partitions

        // The stream computes the live generation; then a metric is activated that it never saw.
        try produce(bootstrap, events: 12_000, seed: 1, from: Self.start)
        let stream = try live.start(process + ["--group", "live"], log: logs.appendingPathComponent("stream.log"))
        #expect(stream.waitForExit().code == 0, "stream run (log: \(stream.logTail()))")
        let streamed = try ProcessorCrashTests.Snapshot(live, keepDenseIds: true)
        #expect(streamed.profiles.count == Self.users)
        // The archive keeps the history (the first recompute reads it from there).
        let archived = try live.portrait(["archive", "--mapping", mapping.path, "--exit-when-idle", "2s", "--flush-interval", "1s"])
        #expect(archived.status == 0, "\(archived.output)")
        let added = try live.portrait(Self.definitionAddedLater)
        #expect(added.status == 0, "\(added.output)")

        // A reader polls 30 profiles in one transaction while the recompute swaps the generation in.
        let reader = GenerationReader(redisURL: live.redisURL, users: (0..<30).map { "u\($0)" })
        reader.start()
        // Fewer held profiles than each worker's users: it writes and drops profiles mid-run,
        // reading them back when they are touched again, and must still equal the stream.
        let recomputed = try live.portrait(recompute + ["--held-profiles", "20"])
        reader.stop()
        #expect(recomputed.status == 0, "\(recomputed.output)")
        print("recompute: \(recomputed.output.split(separator: "\n").last ?? "") — reader polls by generation: \(reader.counts)")
        #expect(recomputed.output.contains("generation 1: 12000 inputs (12000 from the archive, 0 from Kafka)"), "\(recomputed.output)")
        #expect(reader.failure == nil, "\(reader.failure ?? "")")
        #expect(reader.seen(generation: 0) > 0 && reader.seen(generation: 1) > 0, "the reader polled across the switch: \(reader.counts)")
        let port = ProcessInfo.processInfo.environment["PORTRAIT_REDIS_PORT"] ?? "6379"
        let leftInScratch = try RedisConnection(url: "redis://127.0.0.1:\(port)/\(Self.scratchDB)").command("KEYS", "*").array?.compactMap(\.string)
        #expect(leftInScratch == ["gen:scratch"], "the old generation is dropped; only the scratch marker stays")

        // Equal to a from-scratch stream over the same history with the same definitions.
        let fromScratch = try reference.start(process + ["--group", "reference"], log: logs.appendingPathComponent("reference.log"))
        #expect(fromScratch.waitForExit().code == 0, "reference run (log: \(fromScratch.logTail()))")
        let expected = try ProcessorCrashTests.Snapshot(reference)
        let actual = try ProcessorCrashTests.Snapshot(live)
        Self.expectEqual(actual, expected, "after the recompute")
        #expect(actual.profiles.values.allSatisfy { $0["m.views_lifetime"] != nil }, "the later metric has its past for every user (backfill)")
        let recomputedIds = try ProcessorCrashTests.Snapshot(live, keepDenseIds: true).profiles.mapValues { $0["_id"] }
        #expect(recomputedIds == streamed.profiles.mapValues { $0["_id"] }, "every user keeps its dense id")

        // Live processing during a second recompute: events keep arriving and a live processor
        // keeps writing the old generation; after the switch it rewinds and catches the new one up.
        let load = EventLoad(bootstrap: bootstrap, users: Self.users, events: 6_000, start: Self.start + 41 * 86_400_000, seed: 2)
        load.start()
        let untilStopped = process.filter { $0 != "--exit-when-idle" && $0 != "3s" }
        let running = try live.start(untilStopped + ["--group", "live"], log: logs.appendingPathComponent("live.log"))
        Thread.sleep(forTimeInterval: 2)
        let second = try live.portrait(recompute)
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.contains("generation 2:") && second.output.contains("12000 from the archive"), "\(second.output)")
        load.waitUntilDone()
        #expect(load.failure == nil, "\(load.failure ?? "")")
        Thread.sleep(forTimeInterval: 3)  // lets the live processor notice the switch (it checks every loop)
        #expect(running.signal(SIGTERM).code == 0, "live run stopped cleanly (log: \(running.logTail()))")
        let liveLog = try String(contentsOf: logs.appendingPathComponent("live.log"), encoding: .utf8)
        #expect(liveLog.contains("profile generation switched") && liveLog.contains("rewound"), "the live processor followed the switch: \(running.logTail())")
        let finish = try live.start(process + ["--group", "live"], log: logs.appendingPathComponent("live-2.log"))
        #expect(finish.waitForExit().code == 0, "live run (log: \(finish.logTail()))")
        let catchUp = try reference.start(process + ["--group", "reference"], log: logs.appendingPathComponent("reference-2.log"))
        #expect(catchUp.waitForExit().code == 0, "reference run (log: \(catchUp.logTail()))")
        Self.expectEqual(try ProcessorCrashTests.Snapshot(live), try ProcessorCrashTests.Snapshot(reference), "after live catch-up")
    }

    /// Backfill on a running system: a metric activated through the CLI queues the backfill
    /// job, `portrait schedule` runs it while a live processor keeps consuming new events, and
    /// the metric ends with the values a from-scratch stream computes, for every user.
    @Test func activatingAMetricBackfillsItThroughTheScheduler() throws {
        let fixture = try RecomputeFixture(name: "backfill_meta", partitions: 4)
        defer { withExtendedLifetime(fixture) {} }  // the mock lives until the test ends
        let (live, reference, logs, mapping, bootstrap) = (fixture.live, fixture.reference, fixture.logs, fixture.mapping, fixture.bootstrap)
        let process = ["process", "--mapping", mapping.path, "--watermark-delay", "1h", "--no-wall-clock", "--session-timeout", "6s"]
        let jobs = logs.appendingPathComponent("jobs.yaml")
        try """
            jobs:
              backfill:
                kind: backfill
                params: {mapping: \(mapping.path), watermark_delay: 1h, scratch_db: \(Self.scratchDB)}
                max_retries: 0
            """.write(to: jobs, atomically: true, encoding: .utf8)

        try produce(bootstrap, events: 8_000, seed: 5, from: Self.start)
        let running = try live.start(process + ["--group", "live"], log: logs.appendingPathComponent("live.log"))
        let scheduler = try live.start(["schedule", "--jobs", jobs.path, "--tick-seconds", "1"], log: logs.appendingPathComponent("schedule.log"))
        defer { _ = scheduler.signal(SIGTERM) }
        Thread.sleep(forTimeInterval: 3)  // the scheduler syncs jobs.yaml; the processor catches up

        let activated = try live.portrait(Self.definitionAddedLater)
        #expect(activated.status == 0, "\(activated.output)")
        #expect(activated.output.contains("backfill of views_lifetime requested: run"), "\(activated.output)")
        let load = EventLoad(bootstrap: bootstrap, users: Self.users, events: 3_000, start: Self.start + 41 * 86_400_000, seed: 6)
        load.start()
        let run = try waitForRun(live, job: "backfill")
        load.waitUntilDone()
        #expect(run.status == "succeeded", "backfill run: \(run) (log: \(scheduler.logTail()))")
        #expect(run.trigger == "activation")
        #expect(run.rows > 0)
        #expect(run.definitionVersions.contains("views_lifetime"), "\(run.definitionVersions)")

        Thread.sleep(forTimeInterval: 3)  // the live processor notices the new generation
        #expect(running.signal(SIGTERM).code == 0, "live run (log: \(running.logTail()))")
        let finish = try live.start(process + ["--group", "live", "--exit-when-idle", "3s"], log: logs.appendingPathComponent("live-2.log"))
        #expect(finish.waitForExit().code == 0, "live run (log: \(finish.logTail()))")
        let fromScratch = try reference.start(process + ["--group", "reference", "--exit-when-idle", "3s"], log: logs.appendingPathComponent("reference.log"))
        #expect(fromScratch.waitForExit().code == 0, "reference run (log: \(fromScratch.logTail()))")
        let actual = try ProcessorCrashTests.Snapshot(live)
        Self.expectEqual(actual, try ProcessorCrashTests.Snapshot(reference), "after the backfill")
        #expect(actual.profiles.count == Self.users)
        #expect(actual.profiles.values.allSatisfy { Int($0["m.views_lifetime"] ?? "") ?? 0 > 0 }, "every user has the metric's past")
    }

    /// Bad input: history Kafka no longer holds (the mock cluster keeps only the newest tens of
    /// thousands of messages per partition, as retention would) is reported and the live
    /// generation is left alone; with the archive holding it, the same recompute goes through.
    @Test func missingHistoryIsReportedUnlessTheArchiveHoldsIt() throws {
        let fixture = try RecomputeFixture(name: "recompute_gap", partitions: 1)  // last_purchase covers the whole history
        defer { withExtendedLifetime(fixture) {} }  // the mock lives until the test ends
        var live = fixture.live
        let (logs, mapping, bootstrap) = (fixture.logs, fixture.mapping, fixture.bootstrap)
        let archive = ["archive", "--mapping", mapping.path, "--exit-when-idle", "2s", "--flush-interval", "1s"]

        // Archived while Kafka still holds it, then pushed out of Kafka by newer events.
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: bootstrap)))
        func produce(_ range: Range<Int>) throws {
            for index in range {
                let user = "u\(index % 50)"
                let json = #"{"user_id":"\#(user)","type":"\#(index % 3 == 0 ? "purchase" : "view")","ts":\#(Self.start + Int64(index) * 1_000),"amount":5}"#
                try producer.enqueue(topic: "portrait.events", key: Array(user.utf8), value: Array(json.utf8))
            }
            try producer.flush()
        }
        try produce(0..<20_000)
        #expect(try live.portrait(archive).status == 0)
        try produce(20_000..<150_000)
        let probe = try KafkaConsumer(configuration: KafkaConsumerConfiguration(client: KafkaClientConfiguration(bootstrapServers: bootstrap), groupId: "probe"))
        let (low, high) = try probe.watermarks(topic: "portrait.events", partition: 0)
        probe.close()
        try #require(low > 20_000 && high == 150_000, "the mock dropped the oldest messages: \(low)..<\(high)")

        var kafkaOnly = live
        kafkaOnly.archiveDirectory = logs.appendingPathComponent("no-archive").path
        let refused = try kafkaOnly.portrait(["recompute", "--mapping", mapping.path, "--scratch-db", String(Self.scratchDB)])
        #expect(refused.status != 0)
        #expect(refused.output.contains("history is missing inside a metric window") && refused.output.contains("portrait.events[0] offsets 0..<\(low)"),
                "\(refused.output)")
        #expect(try live.redis().command("GET", "gen").string == nil, "the live generation is untouched")

        // The archive missed 20000..<low while the archiver was down: still a hole.
        let holed = try live.portrait(["recompute", "--mapping", mapping.path, "--scratch-db", String(Self.scratchDB)])
        #expect(holed.status != 0 && holed.output.contains("offsets 0..<\(low)"), "\(holed.output)")

        // An archive that kept up (here: rebuilt from a second copy of the history) closes it.
        live.archiveDirectory = logs.appendingPathComponent("complete").path
        let store = EventArchiveStore(directory: live.archiveDirectory)
        var records: [ArchivedRecord] = []
        for index in 0..<Int(low) {
            let user = "u\(index % 50)"
            let json = #"{"user_id":"\#(user)","type":"\#(index % 3 == 0 ? "purchase" : "view")","ts":\#(Self.start + Int64(index) * 1_000),"amount":5}"#
            records.append(ArchivedRecord(offset: Int64(index), timestampMs: nil, key: Array(user.utf8), value: Array(json.utf8)))
        }
        try store.write(topic: "portrait.events", partition: 0, day: "2026-01-01", records: records)

        // A scratch database someone else uses is never emptied.
        let port = ProcessInfo.processInfo.environment["PORTRAIT_REDIS_PORT"] ?? "6379"
        let scratch = try RedisConnection(url: "redis://127.0.0.1:\(port)/\(Self.scratchDB)")
        try scratch.command("SET", "someone-elses", "data")
        let foreign = try live.portrait(["recompute", "--mapping", mapping.path, "--scratch-db", String(Self.scratchDB)])
        #expect(foreign.status != 0 && foreign.output.contains("is not a recompute's scratch database"), "\(foreign.output)")
        #expect(try scratch.command("GET", "someone-elses").string == "data")
        try scratch.command("DEL", "someone-elses")

        let complete = try live.portrait(["recompute", "--mapping", mapping.path, "--scratch-db", String(Self.scratchDB)])
        #expect(complete.status == 0, "\(complete.output)")
        #expect(complete.output.contains("150000 inputs (\(low) from the archive, \(150_000 - low) from Kafka)"), "\(complete.output)")
        #expect(try live.redis().command("GET", "gen").string == "1")
    }

    /// Polls the metadata database until the newest run of `job` has ended.
    private func waitForRun(_ env: ProcessorTestEnvironment, job: String, seconds: Double = 120) throws -> (status: String, trigger: String, rows: Int, definitionVersions: String) {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let rows = try env.metadata().query(
                "SELECT status, trigger_kind, rows_processed, definition_versions FROM job_runs WHERE job_name = ? ORDER BY id DESC LIMIT 1", [.string(job)])
            if let row = rows.first {
                let status = try row.decode(String.self, "status")
                if !["pending", "running"].contains(status) || Date() > deadline {
                    return (status, try row.decode(String.self, "trigger_kind"), (try? row.decode(Int.self, "rows_processed")) ?? 0,
                            (try? row.decode(String.self, "definition_versions")) ?? "")
                }
            } else if Date() > deadline {
                throw CrashTestError("no run of \(job) was queued")
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
    }

    static func expectEqual(_ actual: ProcessorCrashTests.Snapshot, _ expected: ProcessorCrashTests.Snapshot, _ when: String) {
        #expect(actual.profiles.count == expected.profiles.count, "\(when): profile count")
        for (key, profile) in expected.profiles where actual.profiles[key] != profile {
            Issue.record("\(when): \(key) differs: \(actual.profiles[key] ?? [:]) vs from scratch \(profile)")
            break
        }
        #expect(actual.states == expected.states, "\(when): engine state equal (dense ids aside)")
        #expect(actual.timers == expected.timers, "\(when): timers")
        #expect(actual.bitmapCounts == expected.bitmapCounts, "\(when): bitmaps")
        #expect(actual.recentEvents == expected.recentEvents, "\(when): recent events")
    }

    private func produce(_ bootstrap: String, events: Int, seed: UInt64, from start: Int64) throws {
        let load = EventLoad(bootstrap: bootstrap, users: Self.users, events: events, start: start, seed: seed)
        load.start()
        load.waitUntilDone()
        if let failure = load.failure { throw CrashTestError(failure) }
    }
}

/// Polls a set of profiles and the generation number in one MULTI/EXEC, as a reader that must
/// never see two generations at once: a profile of generation 1 or later has `m.views_lifetime`,
/// one of generation 0 does not.
final class GenerationReader: Sendable {
    let redisURL: String
    let users: [String]
    private let stopped = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)
    private let state = Mutex<(counts: [Int64: Int], failure: String?)>(([:], nil))

    init(redisURL: String, users: [String]) {
        self.redisURL = redisURL
        self.users = users
    }

    var failure: String? { state.withLock { $0.failure } }
    var counts: [Int64: Int] { state.withLock { $0.counts } }
    func seen(generation: Int64) -> Int { counts[generation] ?? 0 }

    func start() {
        Thread { [self] in
            defer { done.signal() }
            do { try poll() } catch { state.withLock { $0.failure = "\(error)" } }
        }.start()
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
        done.wait()
    }

    private func poll() throws {
        let redis = try RedisConnection(url: redisURL)
        while !stopped.load(ordering: .relaxed) {
            let commands: [[any RedisArgument]] = [["GET", "gen"]] + users.map { ["HGETALL", "p:{\($0)}"] }
            let results = try redis.transaction(commands)
            guard results.count == users.count + 1 else { throw CrashTestError("EXEC did not answer every command") }
            let generation = results[0].string.flatMap(Int64.init) ?? 0
            let withMetric = results.dropFirst().filter { ProfileHash.flatFields($0.hashFields)["m.views_lifetime"] != nil }.count
            let consistent = generation == 0 ? withMetric == 0 : withMetric == users.count
            state.withLock { current in
                current.counts[generation, default: 0] += 1
                if !consistent, current.failure == nil {
                    current.failure = "generation \(generation) read with \(withMetric) of \(users.count) profiles computed with the later metric"
                }
            }
        }
    }
}

/// What each recompute test starts from: a mock Kafka in its own process, the live environment
/// with the crash test's definitions and its archive in a log folder, the scratch and reference
/// Redis databases emptied, and the mapping file. Stops the mock and removes the folder at the end.
final class RecomputeFixture {
    let mock: ChildProcess
    let bootstrap: String
    let live: ProcessorTestEnvironment
    let reference: ProcessorTestEnvironment
    let logs: URL
    let mapping: URL

    init(name: String, partitions: Int) throws {
        let executable = try IngestCrashTests.portraitExecutable()
        (mock, bootstrap) = try startKafkaMock(executable, topics: ["portrait.events:\(partitions)", "portrait.control:1", "portrait.dlq:1"])
        logs = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        mapping = try ProcessorTestEnvironment.mappingFile(database: "portrait_test_cdc_unused", directory: logs)
        var live = try ProcessorTestEnvironment(name: name, redisDB: RecomputeTests.liveDB, bootstrap: bootstrap)
        live.archiveDirectory = logs.appendingPathComponent("archive").path
        self.live = live
        reference = try live.withRedis(db: RecomputeTests.referenceDB)
        _ = try live.withRedis(db: RecomputeTests.scratchDB)  // emptied
        for arguments in ProcessorCrashTests.definitions {
            let result = try live.portrait(arguments)
            #expect(result.status == 0, "\(arguments.prefix(3)): \(result.output)")
        }
    }

    deinit {
        mock.closeStdinAndWait()
        try? FileManager.default.removeItem(at: logs)
    }
}
