import Foundation
import Kafka
import Metrics

/// Sends inputs the processor cannot use to `<prefix>.dlq`, keyed as they came, with the
/// reason and the source position, so nothing is lost and each can be replayed after a fix.
struct DeadLetters {
    let producer: KafkaProducer
    let topic: String
    private let counter = Counter(label: "portrait_processor_dead_letters_total")
    private(set) var pending = 0

    init(producer: KafkaProducer, topic: String) {
        self.producer = producer
        self.topic = topic
    }

    mutating func send(reason: String, message: KafkaMessage) throws {
        var record: [String: Any] = ["reason": reason, "topic": message.topic, "partition": Int(message.partition), "offset": message.offset]
        if let value = message.value {
            if let text = String(validatingUTF8: value.map { CChar(bitPattern: $0) } + [0]) { record["value"] = text } else { record["value_base64"] = Data(value).base64EncodedString() }
        }
        let body = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys])
        try producer.enqueue(topic: topic, key: message.key, value: Array(body))
        pending += 1
        counter.increment()
    }

    /// Waits until Kafka acknowledged every dead letter (before the source offsets are committed).
    mutating func flush() throws {
        guard pending > 0 else { return }
        try producer.flush()
        pending = 0
    }
}
