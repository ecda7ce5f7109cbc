import Foundation
import Kafka
import Logging
import Synchronization

/// Follows the compacted `portrait.control` topic from its start on a thread of its own and
/// feeds every message to the catalog. Every processor must see every definition, so the
/// listener reads all partitions by assignment: it never joins a group nor commits, so no
/// consumer group is left behind on the cluster per start.
public final class ControlListener: Sendable {
    private let consumer: KafkaConsumer
    private let catalog: DefinitionCatalog
    private let logger: Logger
    private let topic: String
    private let stopped = Atomic<Bool>(false)
    private let finished = Mutex<Bool>(false)

    public init(bootstrapServers: String, topic: String, catalog: DefinitionCatalog, logger: Logger) throws {
        let configuration = KafkaConsumerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: bootstrapServers),
            groupId: "portrait-control-reader", autoOffsetReset: "earliest")
        consumer = try KafkaConsumer(configuration: configuration, logger: logger)
        self.topic = topic
        self.catalog = catalog
        self.logger = logger
    }

    /// Starts following the topic.
    public func start() {
        let thread = Thread { [self] in
            while !stopped.load(ordering: .relaxed), !assignWholeTopic() { Thread.sleep(forTimeInterval: 0.5) }
            while !stopped.load(ordering: .relaxed) {
                do {
                    for message in try consumer.poll(maxMessages: 100, timeoutMs: 200) {
                        guard let value = message.value else { continue }  // a tombstone
                        do {
                            if try catalog.apply(controlMessage: value) {
                                logger.info("definition received", metadata: ["key": "\(String(decoding: message.key ?? [], as: UTF8.self))", "offset": "\(message.offset)"])
                            }
                        } catch {
                            logger.error("control message skipped", metadata: ["offset": "\(message.offset)", "error": "\(error)"])
                        }
                    }
                } catch {
                    logger.warning("control topic poll failed", metadata: ["error": "\(error)"])
                    Thread.sleep(forTimeInterval: 0.5)
                }
            }
            consumer.close()
            finished.withLock { $0 = true }
        }
        thread.name = "portrait-control"
        thread.start()
    }

    /// Reads every partition of the topic from its start; false while the topic is not there yet.
    private func assignWholeTopic() -> Bool {
        do {
            let count = try consumer.partitionCount(topic: topic)
            try consumer.assign((0..<count).map { KafkaTopicPartition(topic: topic, partition: Int32($0), offset: -2) })
            return true
        } catch {
            logger.warning("control topic not readable yet", metadata: ["topic": "\(topic)", "error": "\(error)"])
            return false
        }
    }

    public func stop() {
        stopped.store(true, ordering: .relaxed)
        while !finished.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.01) }
    }
}
