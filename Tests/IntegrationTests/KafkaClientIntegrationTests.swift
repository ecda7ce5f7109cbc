import Foundation
import Kafka
import Synchronization
import Testing

/// Kafka through librdkafka's mock cluster: the real protocol over loopback TCP.
@Suite("Kafka client against a 3-broker mock cluster", .serialized)
struct KafkaClientIntegrationTests {
    let cluster: KafkaMockCluster
    let client: KafkaClientConfiguration

    init() throws {
        cluster = try KafkaMockCluster(brokers: 3)
        client = KafkaClientConfiguration(bootstrapServers: cluster.bootstrapServers)
    }

    func consumer(group: String, onRebalance: (@Sendable (KafkaRebalanceEvent) -> Void)? = nil) throws -> KafkaConsumer {
        try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(client: client, groupId: group, sessionTimeoutMs: 6_000),
            onRebalance: onRebalance)
    }

    /// Polls until `count` messages arrived or `attempts` polls passed.
    func drain(_ consumer: KafkaConsumer, count: Int, attempts: Int = 400) throws -> [KafkaMessage] {
        var messages: [KafkaMessage] = []
        for _ in 0..<attempts where messages.count < count {
            messages += try consumer.poll(maxMessages: 1_000, timeoutMs: 200)
        }
        return messages
    }

    @Test func sendReportsWhereTheMessageWent() async throws {
        try cluster.createTopic("reports", partitions: 4)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: client))
        let first = try await producer.send(topic: "reports", key: Array("user-1".utf8), value: Array("a".utf8))
        let second = try await producer.send(topic: "reports", key: Array("user-1".utf8), value: Array("b".utf8))
        #expect(first.topic == "reports")
        // Same key, same partition, consecutive offsets: keyed, ordered produce.
        #expect(first.partition == second.partition)
        #expect(second.offset == first.offset + 1)
        #expect(try producer.partitionCount(topic: "reports") == 4)
    }

    @Test func committedOffsetsSurviveAConsumerRestart() throws {
        try cluster.createTopic("orders", partitions: 4)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: client))
        for index in 0..<100 {
            try producer.enqueue(topic: "orders", key: Array("u\(index % 7)".utf8), value: Array("order-\(index)".utf8))
        }
        try producer.flush()

        let first = try consumer(group: "restart")
        try first.subscribe(["orders"])
        let firstBatch = try drain(first, count: 100)
        #expect(firstBatch.count == 100)
        // Commit only the first 60 messages (by value), as a processor would after a flush.
        let processed = firstBatch.filter { Int(String(decoding: $0.value ?? [], as: UTF8.self).dropFirst(6))! < 60 }
        var positions: [String: KafkaTopicPartition] = [:]
        for message in processed {
            let key = "\(message.partition)"
            if (positions[key]?.offset ?? -1) < message.offset + 1 { positions[key] = message.nextPosition }
        }
        try first.commit(Array(positions.values))
        let committed = try first.committed(Array(positions.values).map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition) })
        #expect(Set(committed) == Set(positions.values))
        first.close()

        let second = try consumer(group: "restart")
        try second.subscribe(["orders"])
        let replay = try drain(second, count: 40)
        let replayed = Set(replay.map { String(decoding: $0.value ?? [], as: UTF8.self) })
        // Everything after the committed positions comes again, and nothing before them.
        let expected = Set(firstBatch.filter { message in
            message.offset + 1 > (positions["\(message.partition)"]?.offset ?? 0)
        }.map { String(decoding: $0.value ?? [], as: UTF8.self) })
        #expect(replayed == expected)
        #expect(!replayed.isEmpty)
        second.close()
    }

    @Test func secondConsumerJoiningTriggersARebalance() throws {
        try cluster.createTopic("events", partitions: 4)
        let firstEvents = Mutex<[KafkaRebalanceEvent]>([])
        let first = try consumer(group: "rebalance") { event in firstEvents.withLock { $0.append(event) } }
        try first.subscribe(["events"])
        // Deadlines, not iteration counts: a group rebalance waits for heartbeats, which a loaded
        // machine (the whole suite runs in parallel on two cores) can delay well past 10 s.
        let assigned = ContinuousClock.now + .seconds(90)
        while try first.assignment().count < 4, ContinuousClock.now < assigned { _ = try first.poll(timeoutMs: 100) }
        #expect(try first.assignment().count == 4)

        let second = try consumer(group: "rebalance")
        try second.subscribe(["events"])
        let rebalanced = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < rebalanced {
            _ = try first.poll(timeoutMs: 50)
            _ = try second.poll(timeoutMs: 50)
            if try first.assignment().count == 2, try second.assignment().count == 2 { break }
        }
        let a = try first.assignment(), b = try second.assignment()
        #expect(a.count + b.count == 4)
        #expect(!a.isEmpty && !b.isEmpty)
        #expect(Set(a.map(\.partition)).isDisjoint(with: Set(b.map(\.partition))))
        // The first member was told before it lost partitions, so it could flush.
        #expect(firstEvents.withLock { $0.contains { if case .revoked(let partitions) = $0 { partitions.count == 4 } else { false } } })
        first.close()
        second.close()
    }

    @Test func adminCreatesTopicsWithTheirPartitionCount() throws {
        let admin = try KafkaAdmin(mock: cluster)
        try admin.createTopic("portrait.control", partitions: 1, config: ["cleanup.policy": "compact"])
        try admin.createTopic("portrait.control", partitions: 1)  // already there: no error
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: client))
        #expect(try producer.partitionCount(topic: "portrait.control") == 1)
    }

    @Test func tombstonesArriveAsNilValues() throws {
        try cluster.createTopic("compacted", partitions: 1)
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: client))
        try producer.enqueue(topic: "compacted", key: Array("k".utf8), value: nil)
        try producer.flush()
        let reader = try consumer(group: "tombstones")
        try reader.subscribe(["compacted"])
        let messages = try drain(reader, count: 1)
        #expect(messages.count == 1)
        #expect(messages.first?.value == nil)
        #expect(messages.first?.key == Array("k".utf8))
        reader.close()
    }

    @Test func unreachableBrokersAreOneClearError() throws {
        let brokers = "127.0.0.1:\(TestServices.closedPort())"
        let admin = try KafkaAdmin(configuration: KafkaClientConfiguration(bootstrapServers: brokers, properties: ["log_level": "0"]))
        #expect { try admin.checkReachable(timeoutMs: 1_500) } throws: { error in
            "\(error)".contains("cannot reach Kafka brokers at \(brokers)")
        }
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: brokers, properties: ["log_level": "0"]), messageTimeoutMs: 1_000))
        try producer.enqueue(topic: "nowhere", key: nil, value: Array("x".utf8))
        #expect { try producer.flush(timeoutMs: 5_000) } throws: { error in
            (error as? KafkaError)?.message.contains("failed") == true
        }
    }

    @Test func invalidPropertiesAreRejectedByName() {
        #expect { try KafkaProducer(configuration: KafkaProducerConfiguration(client: KafkaClientConfiguration(properties: ["no.such.property": "1"]))) } throws: { error in
            "\(error)".contains("no.such.property")
        }
    }
}
