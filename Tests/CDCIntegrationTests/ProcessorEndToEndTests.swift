import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Kafka
import MySQL
import PortraitIngest
import Synchronization
import Testing

/// The tags issue's end-to-end test on the real services, every role its own process: a mock
/// Kafka cluster (`portrait kafka-mock`), `portrait ingest` on MariaDB's binlog, `portrait
/// process` into Redis, and definitions changed with the CLI while they run.
@Suite("Rows in MariaDB become tags in Redis (processes)", .serialized)
struct ProcessorEndToEndTests {
    static let name = "e2e"
    static let database = "portrait_test_cdc_e2e"
    static let t0 = "2026-01-01 00:00:00"
    static let t0ms: Int64 = 1_767_225_600_000

    @Test func tagsFlipUpdateRetireAndFollowEventTime() throws {
        let executable = try IngestCrashTests.portraitExecutable()
        // One partition per topic: every user shares one event-time clock, so a later order of
        // one user moves time for another.
        let topics = ["users", "orders"].map { "portrait.cdc.\(Self.database).\($0):1" } + ["portrait.events:1", "portrait.control:1", "portrait.dlq:1"]
        let (mock, bootstrap) = try startKafkaMock(executable, topics: topics)
        defer { mock.closeStdinAndWait() }
        let env = try ProcessorTestEnvironment(name: "e2e_meta", redisDB: 12, bootstrap: bootstrap)

        let (database, db) = try CDCTestServices.scratchDatabase(Self.name)
        try db.executeText("CREATE TABLE users (id BIGINT PRIMARY KEY, city VARCHAR(64), gender CHAR(1), birth_year INT, member_level VARCHAR(16), created_at DATETIME(3) NOT NULL)")
        try db.executeText("CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_id BIGINT NULL, sku VARCHAR(32), category VARCHAR(32), total DECIMAL(12,2), created_at DATETIME(3) NOT NULL)")
        try PositionStore(connection: try env.metadata(), ingestName: Self.name).save(CDCTestServices.currentPosition())

        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let mapping = try ProcessorTestEnvironment.mappingFile(database: database, directory: logs)

        // Definitions first (published on the control topic by the CLI), then the roles.
        for arguments in [
            ["metrics", "create", "e2e_purchases_30d", "--filter", "event.type == \"purchase\"", "--aggregation", "count", "--window", "30d", "--status", "active"],
            ["metrics", "create", "e2e_last_purchase", "--filter", "event.type == \"purchase\"", "--aggregation", "last_seen", "--window", "lifetime", "--status", "active"],
            ["tags", "create", "e2e_buyer", "--expression", "metric.e2e_purchases_30d >= 2", "--status", "active"],
            ["tags", "create", "e2e_lapsed", "--expression", "days_since(metric.e2e_last_purchase) > 30", "--status", "active"],
        ] {
            let result = try env.portrait(arguments)
            #expect(result.status == 0 && result.output.contains("published 1"), "\(arguments.prefix(3)): \(result.output)")
        }
        let ingest = try env.start(
            ["ingest", "--include", "\(database).*", "--key", "\(database).orders=user_id", "--name", Self.name,
             "--server-id", String(CDCTestServices.nextServerId()), "--no-snapshot"], log: logs.appendingPathComponent("ingest.log"))
        defer { _ = ingest.signal(SIGTERM) }
        let processor = try env.start(
            ["process", "--mapping", mapping.path, "--group", "e2e", "--no-wall-clock", "--watermark-delay", "0s"],
            log: logs.appendingPathComponent("process.log"))
        defer { _ = processor.signal(SIGTERM) }

        // One order: counted, not yet a buyer.
        try db.execute("INSERT INTO users VALUES (7, 'Paris', 'F', 1990, 'gold', ?)", [.string(Self.t0)])
        try db.execute("INSERT INTO orders (user_id, sku, category, total, created_at) VALUES (7, 'A1', 'books', 12.50, ?)", [.string(Self.t0)])
        var profile = try env.waitForProfile("7") { $0["m.e2e_purchases_30d"] == "1" && $0["a.city"] != nil }
        #expect(profile["m.e2e_purchases_30d"] == "1", "log: \(processor.logTail())")
        #expect(profile["a.city"] == "Paris")
        #expect(profile["t.e2e_buyer"] == "false")
        #expect(profile["t.e2e_lapsed"] == "false")

        // A second order an hour later: the tag flips, and the user's bit is set.
        try db.execute("INSERT INTO orders (user_id, sku, category, total, created_at) VALUES (7, 'A2', 'toys', 30.00, '2026-01-01 01:00:00')")
        profile = try env.waitForProfile("7") { $0["t.e2e_buyer"] == "true" }
        #expect(profile["t.e2e_buyer"] == "true")
        #expect(profile["m.e2e_purchases_30d"] == "2")
        let denseId = Int(profile["_id"] ?? "") ?? -1
        #expect(try env.redis().command("GETBIT", "bm:e2e_buyer:0", denseId).int == 1)

        // The same profile through the API.
        let port = Int.random(in: 20_000...29_999)
        let serve = try ChildProcess(
            executable: executable, arguments: ["serve"], environment: env.environment.merging(["PORTRAIT_HTTP_ADDR": "127.0.0.1:\(port)"]) { $1 },
            log: logs.appendingPathComponent("serve.log"))
        defer { _ = serve.signal(SIGTERM) }
        let key = try env.portrait(["keys", "create", "--name", "e2e-reader", "--role", "reader"]).output
            .split(separator: "\n").first { $0.hasPrefix("pk_") }.map(String.init) ?? ""
        let body = try Self.get("http://127.0.0.1:\(port)/v1/profiles/7", key: key)
        let tags = body?["tags"] as? [String: Any]
        #expect(tags?["e2e_buyer"] as? Bool == true, "GET /v1/profiles/7 shows the tag (serve log: \(serve.logTail()))")
        #expect((body?["attributes"] as? [String: Any])?["city"] as? String == "Paris")

        // A new threshold, applied by the running processor without a new event.
        var result = try env.portrait(["tags", "update", "e2e_buyer", "--expression", "metric.e2e_purchases_30d >= 3"])
        #expect(result.status == 0, "\(result.output)")
        profile = try env.waitForProfile("7") { $0["t.e2e_buyer"] == "false" }
        #expect(profile["t.e2e_buyer"] == "false", "re-evaluated after the update; log: \(processor.logTail())")
        #expect(try env.redis().command("GETBIT", "bm:e2e_buyer:0", denseId).int == 0)

        // Time alone: another user's order 32 days later moves event time past 30 days.
        try db.execute("INSERT INTO orders (user_id, sku, category, total, created_at) VALUES (8, 'B1', 'books', 5.00, '2026-02-02 02:00:00')")
        profile = try env.waitForProfile("7") { $0["t.e2e_lapsed"] == "true" }
        #expect(profile["t.e2e_lapsed"] == "true", "flipped by a timer in event time; log: \(processor.logTail())")
        #expect(profile["m.e2e_purchases_30d"] == "0", "the 30-day window emptied as event time passed")

        // Retired: gone from the profile.
        result = try env.portrait(["tags", "delete", "e2e_buyer"])
        #expect(result.status == 0, "\(result.output)")
        profile = try env.waitForProfile("7") { $0["t.e2e_buyer"] == nil }
        #expect(profile["t.e2e_buyer"] == nil)
        #expect(profile["t.e2e_lapsed"] == "true")
        try? FileManager.default.removeItem(at: logs)
    }

    /// GET with a bearer key, retried while the server starts; the JSON body, or nil.
    static func get(_ url: String, key: String) throws -> [String: Any]? {
        for _ in 0..<300 {
            let result = Mutex<Data?>(nil)
            let done = DispatchSemaphore(value: 0)
            var request = URLRequest(url: URL(string: url)!)
            request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
            URLSession.shared.dataTask(with: request) { data, response, _ in
                if (response as? HTTPURLResponse)?.statusCode == 200 { result.withLock { $0 = data } }
                done.signal()
            }.resume()
            done.wait()
            if let data = result.withLock({ $0 }) { return try JSONSerialization.jsonObject(with: data) as? [String: Any] }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return nil
    }

    @Test func badInputGoesToTheDeadLetterTopicWithAReason() throws {
        let executable = try IngestCrashTests.portraitExecutable()
        let (mock, bootstrap) = try startKafkaMock(executable, topics: ["portrait.events:2", "portrait.control:1", "portrait.dlq:1"])
        defer { mock.closeStdinAndWait() }
        let env = try ProcessorTestEnvironment(name: "dlq_meta", redisDB: 13, bootstrap: bootstrap)
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-dlq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let mapping = try ProcessorTestEnvironment.mappingFile(database: "portrait_test_cdc_dlq", directory: logs)

        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: KafkaClientConfiguration(bootstrapServers: bootstrap)))
        let inputs: [(String, String)] = [
            ("u1", "this is not JSON"),
            ("u2", #"{"user_id": "u2", "type": "view", "ts": "yesterday"}"#),
            ("u3", #"{"type": "view", "ts": 1767225600000}"#),
            ("u4", #"{"user_id": "u4", "type": "purchase", "ts": 1767225600000, "amount": "lots"}"#),
            ("u5", #"{"user_id": "u5", "type": "view", "ts": 1767225600000}"#),
        ]
        for (key, value) in inputs { try producer.enqueue(topic: "portrait.events", key: Array(key.utf8), value: Array(value.utf8)) }
        try producer.flush()

        let processor = try env.start(["process", "--mapping", mapping.path, "--group", "dlq", "--no-wall-clock"], log: logs.appendingPathComponent("process.log"))
        defer { _ = processor.signal(SIGTERM) }
        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(client: KafkaClientConfiguration(bootstrapServers: bootstrap), groupId: "dlq-check"))
        defer { consumer.close() }
        try consumer.subscribe(["portrait.dlq"])
        var reasons: [String: String] = [:]
        let deadline = Date().addingTimeInterval(90)
        while reasons.count < 4, Date() < deadline {
            for message in try consumer.poll(maxMessages: 10, timeoutMs: 200) {
                let record = try JSONSerialization.jsonObject(with: Data(message.value ?? [])) as? [String: Any] ?? [:]
                reasons[String(decoding: message.key ?? [], as: UTF8.self)] = record["reason"] as? String
                #expect(record["topic"] as? String == "portrait.events")
                #expect(record["value"] != nil, "the original message travels with its reason")
            }
        }
        #expect(reasons["u1"] == "not a JSON object")
        #expect(reasons["u2"]?.hasPrefix("ts must be") == true)
        #expect(reasons["u3"] == "missing user_id")
        #expect(reasons["u4"]?.contains("amount") == true)
        #expect(reasons["u5"] == nil, "a good event is not a dead letter")
        let good = try env.waitForProfile("u5") { $0["_id"] != nil }
        #expect(good["_id"] != nil, "the good event still made a profile; log: \(processor.logTail())")
        try? FileManager.default.removeItem(at: logs)
    }
}
