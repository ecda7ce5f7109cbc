import Kafka
import Logging

/// The history a recompute reads: for every partition of the input topics, from the first
/// offset Kafka still holds to the end at this moment (the switch point).
enum HistoryRanges {
    /// The ranges, and a description of each partition whose beginning is gone (retention).
    static func current(topics: [String], bootstrapServers: String, logger: Logger) throws -> (ranges: [HistorySource.Range], missing: [String]) {
        let probe = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                client: KafkaClientConfiguration(bootstrapServers: bootstrapServers), groupId: "portrait-history-probe"),
            logger: logger)
        defer { probe.close() }
        var ranges: [HistorySource.Range] = []
        var missing: [String] = []
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
                if low > 0 { missing.append("\(topic)[\(partition)] offsets 0..<\(low) are no longer in Kafka") }
                ranges.append(HistorySource.Range(topic: topic, partition: partition, start: low, end: high))
            }
        }
        return (ranges, missing)
    }
}
