internal import CRdKafka
import Logging
import Synchronization

/// The target of librdkafka's callbacks, which run on librdkafka's own threads (logs) or on
/// whichever thread polls (delivery reports, rebalances). Every member is immutable or locked.
final class RDKafkaCallbacks: Sendable {
    let logger: Logger
    /// Called on the polling thread before an assignment change is applied.
    let rebalanceHandler: (@Sendable (KafkaRebalanceEvent) -> Void)?
    /// Failures of fire-and-forget produces, kept until `KafkaProducer.flush` reports them.
    let deliveryFailures = Mutex<[KafkaError]>([])
    let deliveredCount = Atomic<Int>(0)

    init(logger: Logger, rebalanceHandler: (@Sendable (KafkaRebalanceEvent) -> Void)? = nil) {
        self.logger = logger
        self.rebalanceHandler = rebalanceHandler
    }

    func log(level: Int32, facility: String, message: String) {
        // syslog levels: 0-3 error, 4 warning, 5-6 info/notice, 7 debug.
        switch level {
        case ...3: logger.error("\(facility): \(message)", metadata: ["source": "librdkafka"])
        case 4: logger.warning("\(facility): \(message)", metadata: ["source": "librdkafka"])
        case 5...6: logger.info("\(facility): \(message)", metadata: ["source": "librdkafka"])
        default: logger.debug("\(facility): \(message)", metadata: ["source": "librdkafka"])
        }
    }

    func delivered(_ message: rd_kafka_message_t) {
        let topic = message.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        let result: Result<KafkaDeliveryReport, KafkaError>
        if message.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            result = .success(KafkaDeliveryReport(topic: topic, partition: message.partition, offset: message.offset))
        } else {
            result = .failure(RDKafkaClient.error(message.err, "delivery to \(topic) failed"))
        }
        if let waiterPointer = message._private {
            // Retained in KafkaProducer.send; released exactly once here.
            Unmanaged<DeliveryWaiter>.fromOpaque(waiterPointer).takeRetainedValue().resume(result)
        } else if case .failure(let error) = result {
            deliveryFailures.withLock { failures in
                if failures.count < 100 { failures.append(error) }
            }
        }
        deliveredCount.add(1, ordering: .relaxed)
    }

    func rebalance(_ rk: OpaquePointer, _ error: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {
        let partitions = list.map(KafkaTopicPartitionList.decode) ?? []
        let cooperative = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
        switch error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            rebalanceHandler?(.assigned(partitions))
            if cooperative {
                if let failure = rd_kafka_incremental_assign(rk, list) { rd_kafka_error_destroy(failure) }
            } else {
                rd_kafka_assign(rk, list)
            }
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            rebalanceHandler?(.revoked(partitions))
            if cooperative {
                if let failure = rd_kafka_incremental_unassign(rk, list) { rd_kafka_error_destroy(failure) }
            } else {
                rd_kafka_assign(rk, nil)
            }
        default:
            logger.error("rebalance failed: \(String(cString: rd_kafka_err2str(error)))")
            rd_kafka_assign(rk, nil)
        }
    }
}

/// One awaited delivery: a continuation resumed once by the delivery-report callback.
final class DeliveryWaiter: Sendable {
    private let continuation: Mutex<CheckedContinuation<KafkaDeliveryReport, any Error>?>

    init(_ continuation: CheckedContinuation<KafkaDeliveryReport, any Error>) {
        self.continuation = Mutex(continuation)
    }

    func resume(_ result: Result<KafkaDeliveryReport, KafkaError>) {
        let pending = continuation.withLock { stored in
            defer { stored = nil }
            return stored
        }
        pending?.resume(with: result.mapError { $0 as any Error })
    }
}
