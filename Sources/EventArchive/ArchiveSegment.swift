import Foundation

/// One segment file: records of one topic-partition, consecutive offsets `first...last`, all
/// from one UTC day. Named `<topic>/<yyyy-mm-dd>/<partition>-<first>-<last>.seg.gz` (offsets
/// zero-padded, so names sort by offset); written under a temporary name and renamed when
/// complete, so a listed segment is always whole.
public struct ArchiveSegment: Sendable, Hashable {
    public var topic: String
    public var day: String
    public var partition: Int32
    public var first: Int64
    public var last: Int64
    public var path: String

    static let suffix = ".seg.gz"

    static func fileName(partition: Int32, first: Int64, last: Int64) -> String {
        "\(partition)-\(padded(first))-\(padded(last))\(suffix)"
    }

    /// Parses a file name written by ``fileName(partition:first:last:)``; `nil` for anything else.
    static func parse(fileName: String, topic: String, day: String, directory: String) -> ArchiveSegment? {
        guard fileName.hasSuffix(suffix) else { return nil }
        let parts = fileName.dropLast(suffix.count).split(separator: "-")
        guard parts.count == 3, let partition = Int32(parts[0]), let first = Int64(parts[1]), let last = Int64(parts[2]), first <= last else { return nil }
        return ArchiveSegment(topic: topic, day: day, partition: partition, first: first, last: last, path: directory + "/" + fileName)
    }

    private static func padded(_ offset: Int64) -> String {
        let digits = String(offset)
        return String(repeating: "0", count: max(0, 19 - digits.count)) + digits
    }

    /// Every record of the segment, in offset order.
    public func records() throws(ArchiveError) -> [ArchivedRecord] {
        let reader = try GzipReader(path: path)
        var buffer: [UInt8] = []
        var records: [ArchivedRecord] = []
        var position = 0
        while try reader.read(into: &buffer) > 0 {
            while let record = try RecordCoding.decode(buffer, at: &position) { records.append(record) }
            buffer.removeFirst(position)
            position = 0
        }
        guard buffer.isEmpty else { throw ArchiveError("\(path) ends inside a record: the segment is truncated") }
        return records
    }
}
