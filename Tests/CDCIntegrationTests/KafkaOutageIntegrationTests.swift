import Foundation
import Kafka
import Logging
import MySQL
import PortraitIngest
import Synchronization
import Testing

/// The ingest while Kafka is down (librdkafka's mock cluster with its only broker taken down):
/// it waits, retrying the flush, saves no position past unacknowledged messages, and delivers
/// everything in order per key once the broker is back.
@Suite("Ingest across a Kafka outage", .serialized)
struct KafkaOutageIntegrationTests {
    @Test func rowsWrittenDuringAnOutageArriveInOrderAfterRecovery() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        let (database, db) = try CDCTestServices.scratchDatabase("kafka_outage")
        try db.executeText("CREATE TABLE visits (id INT PRIMARY KEY, user_id VARCHAR(20), n INT)")
        let topic = "portrait.cdc.\(database).visits"
        try cluster.createTopic(topic, partitions: 3)
        var configuration = IngestConfiguration(
            source: try CDCTestServices.configuration, ingestName: "portrait_test_cdc_kafka_outage", serverId: CDCTestServices.nextServerId(),
            routing: TableRouting(includes: ["\(database).*"], keyColumns: ["\(database).visits": "user_id"]), untilEnd: true, snapshot: false)
        configuration.batchRows = 40
        let store = PositionStore(connection: try MySQLConnection(configuration: configuration.metadata), ingestName: configuration.ingestName)
        let start = try CDCTestServices.currentPosition()
        try store.save(start)

        try cluster.setBrokerDown(1)
        var brokerDown = true
        defer { if brokerDown { try? cluster.setBrokerUp(1) } }
        // Inserts, then updates that bump `n` per user: the order per key is the order of `n`.
        for id in 1...120 {
            try db.execute("INSERT INTO visits VALUES (?, ?, ?)", [.int(Int64(id)), .string("user-\(id % 5)"), .int(0)])
        }
        for round in 1...3 { try db.execute("UPDATE visits SET n = ? WHERE id <= ?", [.int(Int64(round)), .int(30)]) }

        let retries = Atomic<Int>(0)
        let outcome = Mutex<Result<IngestPipeline<KafkaChangeSink>.Summary, any Error>?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let sink = try KafkaChangeSink(
            bootstrapServers: cluster.bootstrapServers,
            configuration: KafkaChangeSinkConfiguration(flushAttemptMilliseconds: 300, firstRetryDelaySeconds: 0.1, maxRetryDelaySeconds: 0.4),
            logger: Logger(label: "test.kafka.outage"), flushRetried: { _ in retries.add(1, ordering: .relaxed) })
        let settings = configuration
        let thread = Thread {
            var pipeline = IngestPipeline(configuration: settings, sink: sink, logger: Logger(label: "test.kafka.outage"))
            let result = Result { try pipeline.run() }
            outcome.withLock { $0 = result }
            finished.signal()
        }
        thread.start()
        // Wait (no deadline assertion) until the ingest has retried a few flushes against the dead broker.
        while retries.load(ordering: .relaxed) < 3 && outcome.withLock({ $0 == nil }) { Thread.sleep(forTimeInterval: 0.05) }
        #expect(outcome.withLock { $0 == nil }, "the ingest keeps waiting while Kafka is down")
        #expect(try store.load() == start, "no position is saved past messages Kafka has not acknowledged")

        try cluster.setBrokerUp(1)
        brokerDown = false
        finished.wait()
        let summary = try #require(outcome.withLock { $0 }).get()
        #expect(summary.changes == 120 + 90)
        #expect(try store.load().map { $0.isAtOrAfter(start) && $0 != start } == true, "the position moves on once Kafka acknowledged")

        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: cluster.bootstrapServers), groupId: "cdc-outage-test", sessionTimeoutMs: 6_000))
        defer { consumer.close() }
        try consumer.subscribe([topic])
        var messages: [KafkaMessage] = []
        for _ in 0..<450 where messages.count < 210 { messages += try consumer.poll(maxMessages: 1_000, timeoutMs: 200) }
        #expect(messages.count == 210, "every change arrives, none twice (the idempotent producer retried them)")
        // Per key, in partition order: inserts by rising id, then each row's updates by rising n.
        var lastInsertOfKey: [String: Int] = [:]
        var lastNOfRow: [Int: Int] = [:]
        var sawUpdateOfKey: Set<String> = []
        for message in messages.sorted(by: { ($0.partition, $0.offset) < ($1.partition, $1.offset) }) {
            let key = String(decoding: message.key ?? [], as: UTF8.self)
            let object = try JSONSerialization.jsonObject(with: Data(message.value ?? [])) as? [String: Any] ?? [:]
            let after = object["after"] as? [String: Any] ?? [:]
            let id = after["id"] as? Int ?? 0, n = after["n"] as? Int ?? -1
            switch object["op"] as? String {
            case "c":
                #expect(!sawUpdateOfKey.contains(key), "\(key): an insert after an update (all inserts committed first)")
                #expect(lastInsertOfKey[key, default: 0] < id, "\(key): inserts in commit order")
                lastInsertOfKey[key] = id
            case "u":
                sawUpdateOfKey.insert(key)
                #expect(lastNOfRow[id, default: 0] + 1 == n, "row \(id): updates in commit order, none missing")
                lastNOfRow[id] = n
            default:
                Issue.record("unexpected envelope \(object)")
            }
        }
        #expect(lastInsertOfKey.count == 5 && lastNOfRow.count == 30 && lastNOfRow.values.allSatisfy { $0 == 3 })
    }
}
