import Foundation
import Kafka
import Redis
import Testing

/// A definition change over many users is re-evaluated a slice at a time between polls, so the
/// group never evicts the processor for polling too rarely (processes, a private Redis).
@Suite("Processor re-evaluation between polls (processes)", .serialized)
struct ProcessorReevaluationTests {
    static let users = 30_000

    @Test func aDefinitionChangeOverManyUsersReevaluatesAllWithoutARebalance() throws {
        let executable = try IngestCrashTests.portraitExecutable()
        let (mock, bootstrap) = try startKafkaMock(executable, topics: ["portrait.events:4", "portrait.control:1", "portrait.dlq:1"])
        defer { mock.closeStdinAndWait() }
        let redis = try PrivateRedis()
        let env = try ProcessorTestEnvironment(name: "reevaluation", redisDB: 0, bootstrap: bootstrap, redisURL: redis.url(db: 1))
        for arguments in ProcessorCrashTests.definitions {
            let result = try env.portrait(arguments)
            #expect(result.status == 0, "\(arguments.prefix(3)): \(result.output)")
        }
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: bootstrap)))
        for index in 0..<Self.users {
            let user = "u\(index)"
            let json = #"{"user_id":"\#(user)","type":"purchase","ts":\#(ProcessorCrashTests.start + Int64(index)),"amount":10}"#
            try producer.enqueue(topic: "portrait.events", key: Array(user.utf8), value: Array(json.utf8))
        }
        try producer.flush()

        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-reevaluation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let mapping = try ProcessorTestEnvironment.mappingFile(database: "portrait_test_cdc_unused", directory: logs)
        // The shortest poll interval Kafka allows (the session timeout): re-evaluating every
        // user in one go takes longer than that in a debug build.
        let processor = try env.start(
            ["process", "--mapping", mapping.path, "--no-wall-clock", "--watermark-delay", "1h", "--session-timeout", "6s",
             "--max-poll-interval", "6s", "--group", "reevaluation"],
            log: logs.appendingPathComponent("process.log"))
        let connection = try env.redis()
        func registered() throws -> Int64 {
            try (0..<4).reduce(0) { $0 + (try connection.command("SCARD", "u:\($1)").int ?? 0) }
        }
        try wait("every user written", seconds: 240) { try registered() == Int64(Self.users) }

        let added = try env.portrait(["tags", "create", "big_spender", "--expression", "metric.spend_30d >= 10", "--status", "active"])
        #expect(added.status == 0, "\(added.output)")
        try wait("every user re-evaluated with the new tag", seconds: 240) {
            try connection.command("BITCOUNT", "bm:big_spender:0").int == Int64(Self.users)
        }
        #expect(processor.signal(SIGTERM).code == 0, "stopped cleanly (log: \(processor.logTail()))")
        let log = try String(contentsOf: logs.appendingPathComponent("process.log"), encoding: .utf8)
        // One assignment of the four partitions (the first poll, before the group has formed,
        // reports an empty one).
        let assignments = log.split(separator: "\n").filter { $0.contains("partitions assigned") && !$0.contains("partitions=[]") }
        #expect(assignments.count == 1, "the group never rebalanced: \(assignments) (log: \(processor.logTail()))")
        // The work went in slices, with polls in between (each slice is at most 100 ms).
        let finished = log.split(separator: "\n").first { $0.contains("profiles re-evaluated") && $0.contains("changed=\(Self.users)") }
        let slices = finished.flatMap { $0.split(separator: " ").first { $0.hasPrefix("slices=") } }.flatMap { Int($0.dropFirst("slices=".count)) } ?? 0
        #expect(slices > 1, "re-evaluated between polls: \(finished.map(String.init) ?? "no finished re-evaluation") (log: \(processor.logTail()))")
        #expect(try registered() == Int64(Self.users))
    }

    private func wait(_ what: String, seconds: Double, until condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while try !condition() {
            guard Date() < deadline else { throw CrashTestError("timed out waiting: \(what)") }
            Thread.sleep(forTimeInterval: 0.5)
        }
    }
}
