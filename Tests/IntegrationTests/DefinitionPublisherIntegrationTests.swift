import Foundation
import Kafka
import MySQL
import PortraitCore
import PortraitMetadata
import Testing

@Suite("Definition versions published on portrait.control", .serialized)
struct DefinitionPublisherIntegrationTests {
    @Test func everyVersionIsSentOnceAndMarkedAfterTheAcknowledgement() async throws {
        let db = try TestServices.scratchDatabase("defs_publish")
        try MigrationRunner(connection: db).apply(try Migration.load(directory: MigrationIntegrationTests.directory))
        let store = DefinitionStore(connection: db)
        let cluster = try KafkaMockCluster(brokers: 1)
        try cluster.createTopic("portrait.control", partitions: 1)
        let client = KafkaClientConfiguration(bootstrapServers: cluster.bootstrapServers)
        let publisher = DefinitionPublisher(
            connection: db, producer: try KafkaProducer(configuration: KafkaProducerConfiguration(client: client)), topic: "portrait.control")

        try store.create(MetricDefinition(name: "orders_7d", aggregation: .count, window: try MetricWindow(parsing: "7d")), author: "a")
        try store.create(TagDefinition(name: "buyer", expression: "metric.orders_7d > 0"), author: "a")
        try store.setStatus(TagDefinition.self, named: "buyer", to: .active, author: "a")
        #expect(try await publisher.publishPending() == 3)
        #expect(try await publisher.publishPending() == 0)  // nothing is sent twice
        try store.setStatus(TagDefinition.self, named: "buyer", to: .retired, author: "a")
        #expect(try await publisher.publishPending() == 1)

        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(client: client, groupId: "control-reader", sessionTimeoutMs: 6_000))
        try consumer.subscribe(["portrait.control"])
        var messages: [KafkaMessage] = []
        for _ in 0..<400 where messages.count < 4 { messages += try consumer.poll(timeoutMs: 200) }
        consumer.close()
        #expect(messages.map { String(decoding: $0.key ?? [], as: UTF8.self) } == ["metric:orders_7d", "tag:buyer", "tag:buyer", "tag:buyer"])
        let last = try #require(messages.last?.value)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(last)) as? [String: Any])
        #expect(object["version"] as? Int == 3)
        #expect(object["status"] as? String == "retired")
        #expect((object["definition"] as? [String: Any])?["expression"] as? String == "metric.orders_7d > 0")
        let unpublished = try db.query("SELECT COUNT(*) AS n FROM tag_definition_versions WHERE published_at IS NULL")
        #expect(try unpublished.first?.decode(Int.self, "n") == 0)
    }
}
