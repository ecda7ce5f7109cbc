import EventArchive
import Foundation
import PortraitCore
import PortraitProcessor
import Testing

@Suite struct HistoryPlanTests {
    @Test func kafkaAloneWhenNoArchive() {
        let plan = PartitionHistory.plan(topic: "t", partition: 0, kafkaLow: 0, kafkaHigh: 50, archive: nil)
        #expect(plan.archived.isEmpty && plan.kafka == 0..<50 && plan.missing == nil && plan.end == 50)
    }

    @Test func archiveFirstWhereItReachesKafka() {
        let plan = PartitionHistory.plan(topic: "t", partition: 1, kafkaLow: 40, kafkaHigh: 90, archive: 0..<60)
        #expect(plan.archived == 0..<60 && plan.kafka == 60..<90 && plan.missing == nil)
    }

    @Test func archiveAheadOfTheSwitchPointIsCutThere() {
        let plan = PartitionHistory.plan(topic: "t", partition: 1, kafkaLow: 0, kafkaHigh: 30, archive: 0..<60)
        #expect(plan.archived == 0..<30 && plan.kafka.isEmpty && plan.end == 30)
    }

    @Test func aHoleBetweenArchiveAndKafkaLeavesKafkaAloneAndReportsTheStart() {
        let plan = PartitionHistory.plan(topic: "t", partition: 2, kafkaLow: 100, kafkaHigh: 120, archive: 0..<80)
        #expect(plan.archived.isEmpty && plan.kafka == 100..<120 && plan.missing == 0..<100)
    }

    @Test func prunedArchiveStartIsMissing() {
        let plan = PartitionHistory.plan(topic: "t", partition: 0, kafkaLow: 70, kafkaHigh: 120, archive: 20..<90)
        #expect(plan.archived == 20..<90 && plan.kafka == 90..<120 && plan.missing == 0..<20)
    }

    @Test func gapsMatterOnlyInsideAWindow() {
        let day: Int64 = 86_400_000
        let gap = HistoryGap(partition: PartitionHistory.plan(topic: "t", partition: 0, kafkaLow: 10, kafkaHigh: 20, archive: nil), firstHeldMs: 100 * day)
        let complete = HistoryGap(partition: PartitionHistory.plan(topic: "t", partition: 1, kafkaLow: 0, kafkaHigh: 20, archive: nil), firstHeldMs: 100 * day)
        // The first input held is 100 days old at the newest input: a 30d window is whole, a 90d... too.
        #expect(HistoryGap.relevant([gap, complete], newestMs: 130 * day, longestWindowMs: 30 * day).isEmpty)
        #expect(HistoryGap.relevant([gap], newestMs: 130 * day, longestWindowMs: 40 * day).count == 1)
        #expect(HistoryGap.relevant([gap, complete], newestMs: 130 * day, longestWindowMs: nil).count == 1, "a lifetime metric needs everything")
        #expect(HistoryGap.relevant([gap].map { var g = $0; g.firstHeldMs = nil; return g }, newestMs: nil, longestWindowMs: day).count == 1)
        #expect(gap.description == "t[0] offsets 0..<10 are neither in Kafka nor in the archive")
    }

    @Test func retentionMustCoverTheLongestWindow() throws {
        let metrics = [("views_7d", try MetricWindow(parsing: "7d")), ("spend_90d", try MetricWindow(parsing: "90d"))]
        #expect(HistoryRetention.problems(metrics: metrics, archiveRetentionDays: 0, kafkaRetentionHours: 24).isEmpty)
        #expect(HistoryRetention.problems(metrics: metrics, archiveRetentionDays: 120, kafkaRetentionHours: 24).isEmpty)
        #expect(HistoryRetention.problems(metrics: metrics, archiveRetentionDays: 30, kafkaRetentionHours: 168)
            == ["metric spend_90d has a 90d window but history is kept 30d (history.archive_retention_days)"])
        #expect(HistoryRetention.problems(metrics: [("all", .lifetime)], archiveRetentionDays: 400, kafkaRetentionHours: 168)
            == ["metric all covers the whole history but history is kept 400d (history.archive_retention_days)"])
    }
}

@Suite struct EventArchiveStoreTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portrait-archive-\(UUID().uuidString)").path

    func records(_ offsets: ClosedRange<Int64>) -> [ArchivedRecord] {
        offsets.map { offset in
            ArchivedRecord(
                offset: offset, timestampMs: offset % 3 == 0 ? nil : 1_700_000_000_000 + offset,
                key: offset % 4 == 0 ? nil : Array("user-\(offset)".utf8),
                value: offset % 5 == 0 ? nil : (offset % 7 == 0 ? [] : Array("{\"n\":\(offset),\"s\":\"é\\n😀\"}".utf8)))
        }
    }

    @Test func segmentsRoundTripEveryRecordExactly() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = EventArchiveStore(directory: directory)
        let written = records(0...999)
        let segment = try store.write(topic: "portrait.events", partition: 3, day: "2026-01-02", records: written)
        #expect(segment.first == 0 && segment.last == 999)
        #expect(try segment.records() == written)
        #expect(store.segments(topic: "portrait.events", partition: 3) == [segment])
        #expect(store.segments(topic: "portrait.events", partition: 2).isEmpty)
    }

    @Test func coverageFollowsOverlapsAndStopsAtAHole() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = EventArchiveStore(directory: directory)
        try store.write(topic: "e", partition: 0, day: "2026-01-01", records: records(0...49))
        try store.write(topic: "e", partition: 0, day: "2026-01-02", records: records(30...79))  // rewritten after a crash
        #expect(store.coverage(topic: "e", partition: 0) == 0..<80)
        try store.write(topic: "e", partition: 0, day: "2026-01-03", records: records(90...99))
        #expect(store.coverage(topic: "e", partition: 0) == 0..<80, "offsets 80..<90 are missing")
        #expect(store.coverage(topic: "e", partition: 1) == nil)
    }

    @Test func pruneRemovesWholeDaysBeyondRetention() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = EventArchiveStore(directory: directory)
        try store.write(topic: "e", partition: 0, day: "2026-01-01", records: records(0...9))
        try store.write(topic: "e", partition: 0, day: "2026-01-10", records: records(10...19))
        let now = Int64(Date(timeIntervalSince1970: 1_768_003_200).timeIntervalSince1970 * 1_000)  // 2026-01-10
        #expect(EventArchiveStore.day(ofMs: now) == "2026-01-10")
        #expect(store.prune(olderThanDays: 5, nowMs: now) == 1)
        #expect(store.coverage(topic: "e", partition: 0) == 10..<20)
        #expect(store.prune(olderThanDays: 0, nowMs: now) == 0, "0 keeps everything")
    }

    @Test func aTruncatedSegmentIsAnErrorNotShortHistory() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = EventArchiveStore(directory: directory)
        let segment = try store.write(topic: "e", partition: 0, day: "2026-01-01", records: records(0...299))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: segment.path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: segment.path))
        #expect(throws: ArchiveError.self) { try segment.records() }
    }
}
