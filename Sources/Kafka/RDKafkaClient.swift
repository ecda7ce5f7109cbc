internal import CRdKafka
import Logging
import Synchronization

/// Sole owner of one `rd_kafka_t` handle. Nothing outside this module sees librdkafka types.
///
/// librdkafka handles are documented as thread-safe (every API may be called from any thread,
/// except that one consumer must be polled from one thread at a time, which `KafkaConsumer`
/// guarantees). The handle pointer itself never changes after `init`.
// @unchecked: the only stored state is the immutable handle (thread-safe per librdkafka) and a
// Sendable callback box.
final class RDKafkaClient: @unchecked Sendable {
    enum Kind { case producer, consumer }

    let handle: OpaquePointer
    let callbacks: RDKafkaCallbacks
    let bootstrapServers: String

    init(kind: Kind, properties: [String: String], callbacks: RDKafkaCallbacks) throws(KafkaError) {
        guard let conf = rd_kafka_conf_new() else { throw KafkaError(message: "rd_kafka_conf_new failed") }
        var errorText = [CChar](repeating: 0, count: 512)
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            if rd_kafka_conf_set(conf, key, value, &errorText, errorText.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaError(code: -186, message: "invalid Kafka property \(key): \(text(of: errorText))")
            }
        }
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(callbacks).toOpaque())
        rd_kafka_conf_set_log_cb(conf) { rk, level, facility, message in
            guard let rk, let opaque = rd_kafka_opaque(rk) else { return }
            let box = Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue()
            box.log(level: level, facility: facility.map { String(cString: $0) } ?? "", message: message.map { String(cString: $0) } ?? "")
        }
        if kind == .producer {
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
                guard let message, let opaque else { return }
                Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue().delivered(message.pointee)
            }
        } else {
            rd_kafka_conf_set_rebalance_cb(conf) { rk, error, partitions, opaque in
                guard let rk, let opaque else { return }
                Unmanaged<RDKafkaCallbacks>.fromOpaque(opaque).takeUnretainedValue().rebalance(rk, error, partitions)
            }
        }
        let type = kind == .producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER
        // rd_kafka_new takes ownership of conf on success only.
        guard let handle = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(code: -186, message: "cannot create Kafka client: \(text(of: errorText))")
        }
        self.handle = handle
        self.callbacks = callbacks
        self.bootstrapServers = properties["bootstrap.servers"] ?? ""
    }

    deinit {
        rd_kafka_destroy(handle)
    }

    /// Asks the cluster for its metadata: the cheapest way to prove the brokers answer.
    func checkReachable(timeoutMs: Int32) throws(KafkaError) {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let error = rd_kafka_metadata(handle, 0, nil, &metadata, timeoutMs)
        if let metadata { rd_kafka_metadata_destroy(metadata) }
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError.unreachable(bootstrapServers, detail: String(cString: rd_kafka_err2str(error)))
        }
    }

    /// Partition count of `topic`, read from cluster metadata.
    func partitionCount(topic: String, timeoutMs: Int32) throws(KafkaError) -> Int {
        guard let topicHandle = rd_kafka_topic_new(handle, topic, nil) else {
            throw KafkaError(message: "cannot open topic \(topic)")
        }
        defer { rd_kafka_topic_destroy(topicHandle) }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let error = rd_kafka_metadata(handle, 0, topicHandle, &metadata, timeoutMs)
        defer { if let metadata { rd_kafka_metadata_destroy(metadata) } }
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata, metadata.pointee.topic_cnt > 0 else {
            throw KafkaError(code: error.rawValue, message: "no metadata for topic \(topic): \(String(cString: rd_kafka_err2str(error)))")
        }
        let topicMetadata = metadata.pointee.topics[0]
        if topicMetadata.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(code: topicMetadata.err.rawValue, message: "topic \(topic): \(String(cString: rd_kafka_err2str(topicMetadata.err)))")
        }
        return Int(topicMetadata.partition_cnt)
    }

    static func error(_ code: rd_kafka_resp_err_t, _ context: String) -> KafkaError {
        KafkaError(code: code.rawValue, message: "\(context): \(String(cString: rd_kafka_err2str(code)))")
    }
}

/// The text librdkafka wrote into an error buffer (NUL-terminated).
func text(of buffer: [CChar]) -> String {
    buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}
