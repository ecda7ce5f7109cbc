import Foundation

/// The archive directory: segments per topic and UTC day (``ArchiveSegment``), written by
/// `portrait archive`, read by recomputes for history older than Kafka keeps, pruned by day.
public struct EventArchiveStore: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Writes `records` (consecutive offsets of one topic-partition, one day) as a segment.
    @discardableResult
    public func write(topic: String, partition: Int32, day: String, records: [ArchivedRecord]) throws(ArchiveError) -> ArchiveSegment {
        guard let first = records.first?.offset, let last = records.last?.offset else { throw ArchiveError("an empty segment") }
        let folder = "\(directory)/\(topic)/\(day)"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ArchiveError("cannot create \(folder): \(error.localizedDescription)")
        }
        let name = ArchiveSegment.fileName(partition: partition, first: first, last: last)
        let temporary = "\(folder)/.\(name).tmp"
        var buffer: [UInt8] = []
        buffer.reserveCapacity(records.reduce(0) { $0 + 24 + ($1.key?.count ?? 0) + ($1.value?.count ?? 0) })
        for record in records { RecordCoding.append(record, to: &buffer) }
        let writer = try GzipWriter(path: temporary)
        try writer.write(buffer)
        try writer.finish()
        guard rename(temporary, "\(folder)/\(name)") == 0 else {
            throw ArchiveError("cannot rename \(temporary): \(String(cString: strerror(errno)))")
        }
        return ArchiveSegment(topic: topic, day: day, partition: partition, first: first, last: last, path: "\(folder)/\(name)")
    }

    /// The segments of one topic-partition, by first offset.
    public func segments(topic: String, partition: Int32) -> [ArchiveSegment] {
        let topicFolder = "\(directory)/\(topic)"
        let days = (try? FileManager.default.contentsOfDirectory(atPath: topicFolder)) ?? []
        var found: [ArchiveSegment] = []
        for day in days where Self.isDay(day) {
            let folder = "\(topicFolder)/\(day)"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                if let segment = ArchiveSegment.parse(fileName: name, topic: topic, day: day, directory: folder), segment.partition == partition {
                    found.append(segment)
                }
            }
        }
        return found.sorted { ($0.first, $0.last) < ($1.first, $1.last) }
    }

    /// The offsets the archive holds for a topic-partition without a hole, from its first
    /// segment: `first..<end`. `nil` when it holds none.
    public func coverage(topic: String, partition: Int32) -> Range<Int64>? {
        let segments = segments(topic: topic, partition: partition)
        guard let first = segments.first?.first else { return nil }
        var end = first
        for segment in segments {
            if segment.first > end { break }  // a hole: what follows cannot be used without it
            end = max(end, segment.last + 1)
        }
        return first..<end
    }

    /// Removes the day folders older than `days` days before `nowMs`; returns how many.
    @discardableResult
    public func prune(olderThanDays days: Int, nowMs: Int64) -> Int {
        guard days > 0 else { return 0 }
        let cutoff = Self.day(ofMs: nowMs - Int64(days) * 86_400_000)
        var removed = 0
        for topic in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            for day in (try? FileManager.default.contentsOfDirectory(atPath: "\(directory)/\(topic)")) ?? [] where Self.isDay(day) && day < cutoff {
                if (try? FileManager.default.removeItem(atPath: "\(directory)/\(topic)/\(day)")) != nil { removed += 1 }
            }
        }
        return removed
    }

    /// `yyyy-mm-dd` of an epoch-millisecond time, in UTC.
    public static func day(ofMs ms: Int64) -> String {
        var seconds = time_t(ms / 1_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
    }

    private static func isDay(_ name: String) -> Bool {
        name.count == 10 && name.allSatisfy { $0.isNumber || $0 == "-" }
    }
}
