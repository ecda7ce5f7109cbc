import EventArchive
import Kafka

/// One topic-partition's archived history as its plan bounds it, in offset order, one segment
/// in memory at a time. Repeats (segments rewritten after an archiver crash overlap) are
/// skipped by offset.
struct ArchiveCursor {
    let history: PartitionHistory
    private var segments: [ArchiveSegment]
    private var records: [KafkaMessage] = []
    private var index = 0
    private var nextOffset: Int64

    init(history: PartitionHistory, archive: EventArchiveStore) {
        self.history = history
        nextOffset = history.archived.lowerBound
        segments = archive.segments(topic: history.topic, partition: history.partition).filter { $0.first < history.archived.upperBound }
    }

    /// The next record, reading the next segment when this one is used up; `nil` at the end.
    mutating func peek() throws -> KafkaMessage? {
        while index >= records.count {
            guard !segments.isEmpty else { return nil }
            let segment = segments.removeFirst()
            records = []
            index = 0
            guard segment.last >= nextOffset else { continue }
            for record in try segment.records() where record.offset >= nextOffset && record.offset < history.archived.upperBound {
                records.append(KafkaMessage(
                    topic: history.topic, partition: history.partition, offset: record.offset,
                    key: record.key, value: record.value, timestampMs: record.timestampMs))
                nextOffset = record.offset + 1
            }
        }
        return records[index]
    }

    mutating func advance() { index += 1 }

    var isExhausted: Bool { segments.isEmpty && index >= records.count }
}
