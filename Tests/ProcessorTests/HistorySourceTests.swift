import EventArchive
import Foundation
import Kafka
import Logging
import PortraitProcessor
import Testing

@Suite struct HistorySourceTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-history-\(UUID().uuidString)").path

    func record(_ offset: Int64, at ms: Int64) -> ArchivedRecord {
        ArchivedRecord(offset: offset, timestampMs: ms, key: Array("u".utf8), value: Array("\(ms)".utf8))
    }

    /// A partition number's topics are replayed merged by time (as a live processor reads them
    /// side by side), each topic in offset order, overlapping segments once, partition after partition.
    @Test func archivedTopicsOfAPartitionAreMergedByTime() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = EventArchiveStore(directory: directory)
        _ = try store.write(topic: "t.a", partition: 0, day: "2026-01-01", records: [record(0, at: 10), record(1, at: 20), record(2, at: 30)])
        // Rewritten after a crash: overlaps the first segment.
        _ = try store.write(topic: "t.a", partition: 0, day: "2026-01-01", records: [record(2, at: 30), record(3, at: 40), record(4, at: 50)])
        _ = try store.write(topic: "t.b", partition: 0, day: "2026-01-01", records: [record(0, at: 15), record(1, at: 35), record(2, at: 60)])
        _ = try store.write(topic: "t.a", partition: 1, day: "2026-01-01", records: [record(0, at: 5), record(1, at: 7)])
        let plans = [
            PartitionHistory.plan(topic: "t.a", partition: 0, kafkaLow: 5, kafkaHigh: 5, archive: store.coverage(topic: "t.a", partition: 0)),
            PartitionHistory.plan(topic: "t.b", partition: 0, kafkaLow: 3, kafkaHigh: 3, archive: store.coverage(topic: "t.b", partition: 0)),
            PartitionHistory.plan(topic: "t.a", partition: 1, kafkaLow: 2, kafkaHigh: 2, archive: store.coverage(topic: "t.a", partition: 1)),
        ]
        let cluster = try KafkaMockCluster(brokers: 1)
        let source = try HistorySource(bootstrapServers: cluster.bootstrapServers, partitions: plans, archive: store, logger: Logger(label: "test"))
        defer { source.close() }
        try source.start(topics: ["t.a", "t.b"])
        var replayed: [String] = []
        var batches: [Int] = []
        while true {
            let batch = try source.poll(maxRecords: 3, timeoutMs: 10)
            if batch.isEmpty { break }
            batches.append(batch.count)
            replayed += batch.map { "\($0.topic)/\($0.partition)@\($0.offset):\($0.timestampMs ?? -1)" }
        }
        #expect(replayed == [
            "t.a/0@0:10", "t.b/0@0:15", "t.a/0@1:20", "t.a/0@2:30", "t.b/0@1:35", "t.a/0@3:40", "t.a/0@4:50", "t.b/0@2:60",
            "t.a/1@0:5", "t.a/1@1:7",
        ])
        #expect(batches.allSatisfy { $0 <= 3 })
        #expect(source.isExhausted)
        #expect(source.readFromArchive == 10 && source.readFromKafka == 0)
        #expect(source.firstHeldMs == ["t.a/0": 10, "t.b/0": 15, "t.a/1": 5])
    }
}
