import Foundation
import Kafka
import Logging
import MySQL
import PortraitIngest
import Testing

/// The ingest into Kafka (librdkafka's mock cluster) with the idempotent producer, and the
/// stop signal on an idle source.
@Suite("Ingest into Kafka and stopping", .serialized)
struct KafkaSinkIntegrationTests {
    @Test func changesArriveKeyedByTheKeyColumnInOrderPerKey() throws {
        let cluster = try KafkaMockCluster(brokers: 1)
        let (database, db) = try CDCTestServices.scratchDatabase("kafka")
        try db.executeText("CREATE TABLE orders (id INT PRIMARY KEY, user_id VARCHAR(20), amount DECIMAL(10,2))")
        let topic = "portrait.cdc.\(database).orders"
        try cluster.createTopic(topic, partitions: 4)
        var configuration = IngestConfiguration(
            source: try CDCTestServices.configuration, ingestName: "portrait_test_cdc_kafka", serverId: CDCTestServices.nextServerId(),
            routing: TableRouting(includes: ["\(database).*"], keyColumns: ["\(database).orders": "user_id"]), untilEnd: true, snapshot: false)
        configuration.batchRows = 50
        let store = PositionStore(connection: try MySQLConnection(configuration: configuration.metadata), ingestName: configuration.ingestName)
        try store.save(CDCTestServices.currentPosition())
        for id in 1...200 {
            try db.execute("INSERT INTO orders VALUES (?, ?, ?)", [.int(Int64(id)), .string("user-\(id % 7)"), .decimal("\(id).25")])
        }
        try db.execute("UPDATE orders SET amount = amount + 1 WHERE id <= ?", [.int(20)])
        var pipeline = IngestPipeline(configuration: configuration, sink: try KafkaChangeSink(bootstrapServers: cluster.bootstrapServers), logger: Logger(label: "test.kafka"))
        let summary = try pipeline.run()
        #expect(summary.changes == 220)

        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: cluster.bootstrapServers), groupId: "cdc-test", sessionTimeoutMs: 6_000))
        defer { consumer.close() }
        try consumer.subscribe([topic])
        var messages: [KafkaMessage] = []
        for _ in 0..<450 where messages.count < 220 { messages += try consumer.poll(maxMessages: 1_000, timeoutMs: 200) }
        #expect(messages.count == 220)
        var partitionOfKey: [String: Int32] = [:]
        var lastIdOfKey: [String: (op: String, id: Int)] = [:]
        for message in messages.sorted(by: { ($0.partition, $0.offset) < ($1.partition, $1.offset) }) {
            let key = String(decoding: message.key ?? [], as: UTF8.self)
            let object = try JSONSerialization.jsonObject(with: Data(message.value ?? [])) as? [String: Any] ?? [:]
            let after = object["after"] as? [String: Any] ?? [:]
            #expect(after["user_id"] as? String == key, "keyed by the configured key column")
            #expect(partitionOfKey[key, default: message.partition] == message.partition, "one partition per key")
            partitionOfKey[key] = message.partition
            let id = after["id"] as? Int ?? 0
            let op = object["op"] as? String ?? ""
            if let last = lastIdOfKey[key], op == "c", last.op == "c" { #expect(last.id < id, "inserts in commit order per key") }
            lastIdOfKey[key] = (op, id)
        }
        #expect(partitionOfKey.count == 7)
    }

    @Test func stopSignalEndsAStreamingIngestOnAnIdleSource() throws {
        let (database, _) = try CDCTestServices.scratchDatabase("stop")
        let configuration = IngestConfiguration(
            source: try CDCTestServices.configuration, ingestName: "portrait_test_cdc_stop", serverId: CDCTestServices.nextServerId(),
            routing: TableRouting(includes: ["\(database).*"]), untilEnd: false, snapshot: false, heartbeatSeconds: 0.2)
        let store = PositionStore(connection: try MySQLConnection(configuration: configuration.metadata), ingestName: configuration.ingestName)
        try store.save(CDCTestServices.currentPosition())
        let stop = IngestStopSignal()
        let finished = DispatchSemaphore(value: 0)
        let thread = Thread {
            var pipeline = IngestPipeline(configuration: configuration, sink: JSONLinesChangeSink(handle: FileHandle.nullDevice), logger: Logger(label: "test.stop"))
            _ = try? pipeline.run(stop: stop)
            finished.signal()
        }
        thread.start()
        Thread.sleep(forTimeInterval: 0.5)
        let requested = Date()
        stop.requestStop()
        #expect(finished.wait(timeout: .now() + 5) == .success)
        #expect(Date().timeIntervalSince(requested) < 2)
    }
}
