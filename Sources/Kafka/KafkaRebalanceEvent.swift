/// A change of the partitions a consumer owns, reported on the polling thread *before*
/// librdkafka applies it, so a processor can flush and commit before losing partitions.
public enum KafkaRebalanceEvent: Sendable, Equatable {
    case assigned([KafkaTopicPartition])
    case revoked([KafkaTopicPartition])
}
