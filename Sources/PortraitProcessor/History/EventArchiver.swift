import EventArchive
import Foundation
import Kafka
import Logging
import Metrics

/// `portrait archive`: copies every input topic into the ``EventArchiveStore`` so recomputes
/// have history after Kafka's retention dropped it. A consumer group of its own; offsets are
/// committed only after the segments holding them are on disk (synced and renamed), so a crash
/// repeats at most the last unflushed stretch, which readers skip by offset.
public final class EventArchiver {
    public struct Options: Sendable {
        public var bootstrapServers: String
        public var groupId = "portrait-archive"
        public var topics: [String]
        /// Flush when this much time passed since the last flush, or this many records wait.
        public var flushIntervalMs: Int64 = 10_000
        public var flushRecords = 100_000
        /// Days kept (0: forever); older day folders are removed once a day.
        public var retentionDays = 0
        public var exitWhenIdleMs: Int64?
        public var shouldStop: @Sendable () -> Bool = { false }

        public init(bootstrapServers: String, topics: [String]) {
            self.bootstrapServers = bootstrapServers
            self.topics = topics
        }
    }

    /// Consecutive records of one topic-partition from one UTC day: one segment when flushed.
    private struct Run {
        var topic: String
        var partition: Int32
        var day: String
        var records: [ArchivedRecord]
    }

    private let options: Options
    private let store: EventArchiveStore
    private let consumer: KafkaConsumer
    private let logger: Logger
    private var runs: [Run] = []
    /// Index in `runs` of each topic-partition's open run.
    private var openRun: [String: Int] = [:]
    private var pendingRecords = 0
    private var commits: [String: KafkaTopicPartition] = [:]
    private var lastFlushMs = EventArchiver.wallMs()
    private var lastPruneDay = ""
    private let archivedCounter = Counter(label: "portrait_archive_records_total")
    private let segmentsCounter = Counter(label: "portrait_archive_segments_total")

    public init(options: Options, store: EventArchiveStore, logger: Logger) throws {
        self.options = options
        self.store = store
        self.logger = logger
        consumer = try KafkaConsumer(
            configuration: KafkaConsumerConfiguration(
                client: KafkaClientConfiguration(bootstrapServers: options.bootstrapServers), groupId: options.groupId),
            logger: logger)
    }

    public func run() throws {
        try consumer.subscribe(options.topics)
        logger.info("archive started", metadata: ["topics": "\(options.topics.joined(separator: ","))", "directory": "\(store.directory)"])
        var lastInputMs = Self.wallMs()
        while !options.shouldStop() {
            let messages = try consumer.poll(maxMessages: 5_000, timeoutMs: 200)
            let now = Self.wallMs()
            for message in messages { add(message, wallMs: now) }
            if !messages.isEmpty { lastInputMs = now }
            if pendingRecords >= options.flushRecords || now - lastFlushMs >= options.flushIntervalMs { try flush() }
            prune(nowMs: now)
            if let idle = options.exitWhenIdleMs, now - lastInputMs >= idle, try consumer.lag() == 0 { break }
        }
        try flush()
        consumer.close()
        logger.info("archive stopped")
    }

    private func add(_ message: KafkaMessage, wallMs: Int64) {
        let source = "\(message.topic)/\(message.partition)"
        let day = EventArchiveStore.day(ofMs: message.timestampMs ?? wallMs)
        let record = ArchivedRecord(offset: message.offset, timestampMs: message.timestampMs, key: message.key, value: message.value)
        if let index = openRun[source], runs[index].day == day {
            runs[index].records.append(record)
        } else {
            openRun[source] = runs.count
            runs.append(Run(topic: message.topic, partition: message.partition, day: day, records: [record]))
        }
        pendingRecords += 1
        commits[source] = message.nextPosition
    }

    /// Writes every run as a segment, then commits the offsets after them.
    private func flush() throws {
        lastFlushMs = Self.wallMs()
        guard !runs.isEmpty else { return }
        for run in runs {
            try store.write(topic: run.topic, partition: run.partition, day: run.day, records: run.records)
        }
        try consumer.commit(Array(commits.values))
        archivedCounter.increment(by: pendingRecords)
        segmentsCounter.increment(by: runs.count)
        logger.debug("archived", metadata: ["records": "\(pendingRecords)", "segments": "\(runs.count)"])
        runs.removeAll(keepingCapacity: true)
        openRun.removeAll()
        commits.removeAll()
        pendingRecords = 0
    }

    private func prune(nowMs: Int64) {
        let today = EventArchiveStore.day(ofMs: nowMs)
        guard options.retentionDays > 0, today != lastPruneDay else { return }
        lastPruneDay = today
        let removed = store.prune(olderThanDays: options.retentionDays, nowMs: nowMs)
        if removed > 0 { logger.info("archive pruned", metadata: ["day_folders": "\(removed)", "retention_days": "\(options.retentionDays)"]) }
    }

    static func wallMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1_000) }
}
