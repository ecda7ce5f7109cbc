internal import CRdKafka
import Dispatch
import Logging
import Synchronization

/// A consumer-group member with manual offset commits.
///
/// `poll` blocks the calling thread; `nextBatch` does the same on the consumer's own serial
/// queue so async code never blocks the cooperative pool. Rebalance events are delivered to the
/// handler from inside a poll, before librdkafka applies the new assignment.
public final class KafkaConsumer: Sendable {
    let client: RDKafkaClient
    /// Serialises polls and close: librdkafka wants one consumer polled by one thread at a time.
    private let pollLock = Mutex<Bool>(false)  // true once closed
    private let queue = DispatchQueue(label: "portrait.kafka.consumer")

    public init(
        configuration: KafkaConsumerConfiguration,
        logger: Logger = Logger(label: "portrait.kafka.consumer"),
        onRebalance: (@Sendable (KafkaRebalanceEvent) -> Void)? = nil
    ) throws(KafkaError) {
        let callbacks = RDKafkaCallbacks(logger: logger, rebalanceHandler: onRebalance)
        client = try RDKafkaClient(kind: .consumer, properties: configuration.properties, callbacks: callbacks)
        // Route the main queue to the consumer queue so rebalances are served by consumer_poll.
        rd_kafka_poll_set_consumer(client.handle)
    }

    deinit {
        close()
    }

    /// Fails with one clear error naming the brokers when they do not answer within `timeoutMs`.
    public func checkReachable(timeoutMs: Int = 5_000) throws(KafkaError) {
        try client.checkReachable(timeoutMs: Int32(timeoutMs))
    }

    /// Joins the group for `topics`; partitions arrive through rebalances during later polls.
    public func subscribe(_ topics: [String]) throws(KafkaError) {
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics { rd_kafka_topic_partition_list_add(list, topic, -1) }
        let error = rd_kafka_subscribe(client.handle, list)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw RDKafkaClient.error(error, "cannot subscribe to \(topics)") }
    }

    /// Waits up to `timeoutMs` for the first message, then takes whatever else is ready, up to
    /// `maxMessages`. Blocks the calling thread.
    public func poll(maxMessages: Int = 1_000, timeoutMs: Int = 100) throws(KafkaError) -> [KafkaMessage] {
        try pollLock.withLock { (closed: inout Bool) throws(KafkaError) -> [KafkaMessage] in
            guard !closed else { throw KafkaError(message: "consumer is closed") }
            var messages: [KafkaMessage] = []
            messages.reserveCapacity(min(maxMessages, 4_096))
            var wait = Int32(timeoutMs)
            var topic: (handle: OpaquePointer?, name: String) = (nil, "")
            while messages.count < maxMessages, let raw = rd_kafka_consumer_poll(client.handle, wait) {
                defer { rd_kafka_message_destroy(raw) }
                wait = 0
                let error = raw.pointee.err
                if error == RD_KAFKA_RESP_ERR__PARTITION_EOF { continue }
                if error != RD_KAFKA_RESP_ERR_NO_ERROR {
                    // Transport errors are retried by librdkafka; surface only what needs attention.
                    if error == RD_KAFKA_RESP_ERR__TRANSPORT || error == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN { continue }
                    throw RDKafkaClient.error(error, "consume failed")
                }
                if raw.pointee.rkt != topic.handle {  // one topic string per run of messages, not one each
                    topic = (raw.pointee.rkt, raw.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "")
                }
                messages.append(Self.copy(raw, topic: topic.name))
            }
            return messages
        }
    }

    /// `poll` on the consumer's own thread, so the caller's task does not block a pool thread.
    public func nextBatch(maxMessages: Int = 1_000, timeoutMs: Int = 100) async throws -> [KafkaMessage] {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { () throws(KafkaError) in try self.poll(maxMessages: maxMessages, timeoutMs: timeoutMs) })
            }
        }
    }

    /// Commits `positions` (each the next offset to read) synchronously.
    public func commit(_ positions: [KafkaTopicPartition]) throws(KafkaError) {
        guard !positions.isEmpty else { return }
        let list = KafkaTopicPartitionList.make(positions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let error = rd_kafka_commit(client.handle, list, 0)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw RDKafkaClient.error(error, "commit failed") }
    }

    /// The committed offsets of `partitions` for this group (`offset == nil` where none is).
    public func committed(_ partitions: [KafkaTopicPartition], timeoutMs: Int = 5_000) throws(KafkaError) -> [KafkaTopicPartition] {
        let list = KafkaTopicPartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let error = rd_kafka_committed(client.handle, list, Int32(timeoutMs))
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw RDKafkaClient.error(error, "cannot read committed offsets") }
        return KafkaTopicPartitionList.decode(list)
    }

    /// The partitions this member currently owns.
    public func assignment() throws(KafkaError) -> [KafkaTopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        let error = rd_kafka_assignment(client.handle, &list)
        defer { if let list { rd_kafka_topic_partition_list_destroy(list) } }
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw RDKafkaClient.error(error, "cannot read assignment") }
        return list.map(KafkaTopicPartitionList.decode) ?? []
    }

    /// Messages fetched or waiting beyond this consumer's positions, from the high watermarks
    /// the last fetches reported (no broker round trip: cheap enough for every poll). `nil`
    /// while nothing is assigned or no fetch has reported a watermark yet.
    public func cachedLag() throws(KafkaError) -> Int64? {
        let assigned = try assignment()
        guard !assigned.isEmpty else { return nil }
        let list = KafkaTopicPartitionList.make(assigned)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        _ = rd_kafka_position(client.handle, list)
        var total: Int64 = 0
        for position in KafkaTopicPartitionList.decode(list) {
            var low: Int64 = -1, high: Int64 = -1
            guard rd_kafka_get_watermark_offsets(client.handle, position.topic, position.partition, &low, &high) == RD_KAFKA_RESP_ERR_NO_ERROR,
                  high >= 0 else { return nil }
            total += max(0, high - max(position.offset ?? low, low))
        }
        return total
    }

    /// Messages not yet consumed in the assigned partitions: the brokers' high watermarks (asked
    /// now) minus this consumer's positions (or the committed offsets, or the log start, before
    /// the first message). `nil` while nothing is assigned.
    public func lag(timeoutMs: Int = 2_000) throws(KafkaError) -> Int64? {
        let assigned = try assignment()
        guard !assigned.isEmpty else { return nil }
        let list = KafkaTopicPartitionList.make(assigned)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        _ = rd_kafka_position(client.handle, list)
        let positions = KafkaTopicPartitionList.decode(list)
        let committed = try self.committed(assigned, timeoutMs: timeoutMs)
        var total: Int64 = 0
        for (position, stored) in zip(positions, committed) {
            var low: Int64 = 0, high: Int64 = 0
            let error = rd_kafka_query_watermark_offsets(client.handle, position.topic, position.partition, &low, &high, Int32(timeoutMs))
            if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw RDKafkaClient.error(error, "cannot read the end of \(position)") }
            let consumed = [position.offset, stored.offset].compactMap { $0 }.filter { $0 >= 0 }.max() ?? low
            total += max(0, high - max(consumed, low))
        }
        return total
    }

    /// Leaves the group cleanly (revoking partitions through the handler) so the others
    /// rebalance at once instead of after the session timeout. Safe to call twice.
    public func close() {
        pollLock.withLock { closed in
            guard !closed else { return }
            closed = true
            rd_kafka_consumer_close(client.handle)
        }
    }

    /// Copies out of librdkafka's message; the timestamp needs the original pointer, since
    /// librdkafka finds its internal message struct around it.
    private static func copy(_ raw: UnsafeMutablePointer<rd_kafka_message_t>, topic: String) -> KafkaMessage {
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(raw, &timestampType)
        let message = raw.pointee
        return KafkaMessage(
            topic: topic,
            partition: message.partition,
            offset: message.offset,
            key: message.key.map { Array(UnsafeRawBufferPointer(start: $0, count: message.key_len)) },
            value: message.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: message.len)) },
            timestampMs: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp
        )
    }
}
