import EventArchive
import Kafka
import Logging

/// The history a recompute reads, planned per partition of the input topics from what Kafka
/// still holds (first retained offset to the end at this moment: the switch point) and what
/// the archive holds.
enum HistoryRanges {
    static func current(topics: [String], bootstrapServers: String, archive: EventArchiveStore?, logger: Logger) throws -> [PartitionHistory] {
        let probe = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                client: KafkaClientConfiguration(bootstrapServers: bootstrapServers), groupId: "portrait-history-probe"),
            logger: logger)
        defer { probe.close() }
        var plans: [PartitionHistory] = []
        for topic in topics {
            let partitions: Int
            do {
                partitions = try probe.partitionCount(topic: topic)
            } catch {
                logger.info("input topic has no history", metadata: ["topic": "\(topic)", "reason": "\(error)"])
                continue
            }
            for partition in 0..<Int32(partitions) {
                let (low, high) = try probe.watermarks(topic: topic, partition: partition)
                let covered = archive?.coverage(topic: topic, partition: partition)
                plans.append(PartitionHistory.plan(topic: topic, partition: partition, kafkaLow: low, kafkaHigh: high, archive: covered))
            }
        }
        return plans
    }
}
