internal import CRdKafka

/// Reading from chosen positions rather than the group's: bounded replays of history
/// (`assign`), rewinding owned partitions after a profile generation switch (`seek`), and the
/// ends of a partition (`watermarks`) that bound a replay.
extension KafkaConsumer {
    /// Reads exactly `positions` (each with the offset to start at), outside any group
    /// rebalancing. Nothing is committed unless the caller commits.
    public func assign(_ positions: [KafkaTopicPartition]) throws(KafkaError) {
        let list = KafkaTopicPartitionList.make(positions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let error = rd_kafka_assign(client.handle, list)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw RDKafkaClient.error(error, "cannot assign \(positions)") }
    }

    /// Moves the read position of partitions this consumer owns; the next poll reads from there.
    public func seek(_ positions: [KafkaTopicPartition], timeoutMs: Int = 5_000) throws(KafkaError) {
        guard !positions.isEmpty else { return }
        let list = KafkaTopicPartitionList.make(positions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        if let failure = rd_kafka_seek_partitions(client.handle, list, Int32(timeoutMs)) {
            let message = String(cString: rd_kafka_error_string(failure))
            rd_kafka_error_destroy(failure)
            throw KafkaError(message: "cannot seek \(positions): \(message)")
        }
        for position in KafkaTopicPartitionList.decodeErrors(list) {
            throw KafkaError(message: "cannot seek \(position.partition): \(position.problem)")
        }
    }

    /// The first offset still held and the offset the next message will get, asked of the broker.
    public func watermarks(topic: String, partition: Int32, timeoutMs: Int = 5_000) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0, high: Int64 = 0
        let error = rd_kafka_query_watermark_offsets(client.handle, topic, partition, &low, &high, Int32(timeoutMs))
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw RDKafkaClient.error(error, "cannot read the ends of \(topic)[\(partition)]") }
        return (low, high)
    }

    /// Partition count of `topic`, from cluster metadata.
    public func partitionCount(topic: String, timeoutMs: Int = 5_000) throws(KafkaError) -> Int {
        try client.partitionCount(topic: topic, timeoutMs: Int32(timeoutMs))
    }
}
