internal import CRdKafka
import Foundation
import Logging
import Synchronization

/// A keyed, idempotent Kafka producer.
///
/// `send` awaits the broker's acknowledgement; `enqueue` + `flush` is the high-throughput path
/// where failures are collected and reported by `flush`. Delivery reports are served by a
/// dedicated polling thread, never by the cooperative thread pool.
public final class KafkaProducer: Sendable {
    private let client: RDKafkaClient
    private let pollLoop: PollLoop

    public init(configuration: KafkaProducerConfiguration, logger: Logger = Logger(label: "portrait.kafka.producer")) throws(KafkaError) {
        client = try RDKafkaClient(kind: .producer, properties: configuration.properties, callbacks: RDKafkaCallbacks(logger: logger))
        pollLoop = PollLoop(client: client)
    }

    deinit {
        pollLoop.stop()
        rd_kafka_flush(client.handle, 5_000)
    }

    /// Fails with one clear error naming the brokers when they do not answer within `timeoutMs`.
    public func checkReachable(timeoutMs: Int = 5_000) throws(KafkaError) {
        try client.checkReachable(timeoutMs: Int32(timeoutMs))
    }

    /// Produces one message and waits until the broker acknowledged it.
    /// A full local queue is waited out with `Task.sleep` (the caller's thread is given back),
    /// not by spinning as ``enqueue`` does.
    @discardableResult
    public func send(topic: String, key: [UInt8]?, value: [UInt8]?, partition: Int32? = nil) async throws -> KafkaDeliveryReport {
        var pause = Duration.microseconds(500)
        while true {
            let queueFull = Mutex(false)
            do {
                return try await withCheckedThrowingContinuation { continuation in
                    let waiter = Unmanaged.passRetained(DeliveryWaiter(continuation))
                    let result = produceOnce(topic: topic, key: key, value: value, partition: partition, opaque: waiter.toOpaque())
                    guard result != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
                    if result == RD_KAFKA_RESP_ERR__QUEUE_FULL { queueFull.withLock { $0 = true } }
                    waiter.takeRetainedValue().resume(.failure(RDKafkaClient.error(result, "cannot produce to \(topic)")))
                }
            } catch where queueFull.withLock({ $0 }) {
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(50))
            }
        }
    }

    /// Queues one message without waiting; `flush` reports any failure.
    public func enqueue(topic: String, key: [UInt8]?, value: [UInt8]?, partition: Int32? = nil) throws(KafkaError) {
        try produce(topic: topic, key: key, value: value, partition: partition, opaque: nil)
    }

    /// Waits until every queued message is acknowledged or failed, then throws the first failure.
    public func flush(timeoutMs: Int = 30_000) throws(KafkaError) {
        let error = rd_kafka_flush(client.handle, Int32(timeoutMs))
        let failures = client.callbacks.deliveryFailures.withLock { failures in
            defer { failures.removeAll() }
            return failures
        }
        if let first = failures.first {
            throw KafkaError(code: first.code, message: "\(failures.count) message(s) failed; first: \(first.message)")
        }
        if error != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw RDKafkaClient.error(error, "flush did not finish within \(timeoutMs) ms")
        }
    }

    /// Messages acknowledged or failed since the producer started.
    public var deliveredCount: Int { client.callbacks.deliveredCount.load(ordering: .relaxed) }

    /// Partition count of `topic` from cluster metadata.
    public func partitionCount(topic: String, timeoutMs: Int = 5_000) throws(KafkaError) -> Int {
        try client.partitionCount(topic: topic, timeoutMs: Int32(timeoutMs))
    }

    private func produce(topic: String, key: [UInt8]?, value: [UInt8]?, partition: Int32?, opaque: UnsafeMutableRawPointer?) throws(KafkaError) {
        // A full local queue is backpressure, not failure: wait for deliveries to drain it.
        var result = produceOnce(topic: topic, key: key, value: value, partition: partition, opaque: opaque)
        while result == RD_KAFKA_RESP_ERR__QUEUE_FULL {
            usleep(500)
            result = produceOnce(topic: topic, key: key, value: value, partition: partition, opaque: opaque)
        }
        if result != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw RDKafkaClient.error(result, "cannot produce to \(topic)")
        }
    }

    private func produceOnce(topic: String, key: [UInt8]?, value: [UInt8]?, partition: Int32?, opaque: UnsafeMutableRawPointer?) -> rd_kafka_resp_err_t {
        let result: rd_kafka_resp_err_t = topic.withCString { topicName in
            withOptionalBytes(key) { keyPointer, keyCount in
                withOptionalBytes(value) { valuePointer, valueCount in
                    var values = [rd_kafka_vu_t](repeating: rd_kafka_vu_t(), count: 6)
                    values[0].vtype = RD_KAFKA_VTYPE_TOPIC
                    values[0].u.cstr = topicName
                    values[1].vtype = RD_KAFKA_VTYPE_KEY
                    values[1].u.mem = .init(ptr: UnsafeMutableRawPointer(mutating: keyPointer), size: keyCount)
                    values[2].vtype = RD_KAFKA_VTYPE_VALUE
                    values[2].u.mem = .init(ptr: UnsafeMutableRawPointer(mutating: valuePointer), size: valueCount)
                    values[3].vtype = RD_KAFKA_VTYPE_MSGFLAGS
                    values[3].u.i = RD_KAFKA_MSG_F_COPY
                    values[4].vtype = RD_KAFKA_VTYPE_OPAQUE
                    values[4].u.ptr = opaque
                    values[5].vtype = RD_KAFKA_VTYPE_PARTITION
                    values[5].u.i32 = partition ?? -1  // RD_KAFKA_PARTITION_UA: let the partitioner choose
                    guard let error = rd_kafka_produceva(client.handle, values, values.count) else {
                        return RD_KAFKA_RESP_ERR_NO_ERROR
                    }
                    defer { rd_kafka_error_destroy(error) }
                    return rd_kafka_error_code(error)
                }
            }
        }
        return result
    }
}

/// Lends a pointer to `bytes` (or a null pointer and 0 for `nil`) for the call.
private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawPointer?, Int) -> R) -> R {
    guard let bytes else { return body(nil, 0) }
    return bytes.withUnsafeBytes { body($0.baseAddress, $0.count) }
}

/// The thread that serves delivery reports by calling `rd_kafka_poll` until stopped.
private final class PollLoop: Sendable {
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    init(client: RDKafkaClient) {
        let thread = Thread { [self] in
            while !stopping.load(ordering: .relaxed) {
                rd_kafka_poll(client.handle, 50)
            }
            finished.signal()
        }
        thread.name = "kafka-producer-poll"
        thread.start()
    }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        finished.wait()
    }
}
