internal import CRdKafka

/// Conversions between `[KafkaTopicPartition]` and librdkafka's partition lists.
enum KafkaTopicPartitionList {
    static func decode(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [KafkaTopicPartition] {
        let count = Int(list.pointee.cnt)
        guard count > 0, let elements = list.pointee.elems else { return [] }
        return (0..<count).map { index in
            let element = elements[index]
            return KafkaTopicPartition(
                topic: String(cString: element.topic),
                partition: element.partition,
                offset: element.offset < 0 ? nil : element.offset
            )
        }
    }

    /// A new list the caller must free with `rd_kafka_topic_partition_list_destroy`.
    static func make(_ partitions: [KafkaTopicPartition]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(max(partitions.count, 1)))!
        for partition in partitions {
            let element = rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition)!
            element.pointee.offset = partition.offset ?? -1001
        }
        return list
    }

    /// The partitions of `list` that carry an error, with librdkafka's text for it.
    static func decodeErrors(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> [(partition: KafkaTopicPartition, problem: String)] {
        let count = Int(list.pointee.cnt)
        guard count > 0, let elements = list.pointee.elems else { return [] }
        return (0..<count).compactMap { index in
            let element = elements[index]
            guard element.err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
            let partition = KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition)
            return (partition, String(cString: rd_kafka_err2str(element.err)))
        }
    }
}
