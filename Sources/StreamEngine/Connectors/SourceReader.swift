/// Position in a source partition: a Kafka offset, a byte offset in a file, a record index.
public typealias SourceOffset = Int64

/// What a ``SourceReader`` reports after a read.
public enum SourceReadStatus: Sendable, Hashable {
    /// Records may have been appended and more may follow.
    case available
    /// Nothing is available right now (a quiet partition); the runtime may mark it idle.
    case idle
    /// The partition is exhausted; records may have been appended by this last call.
    case endOfInput
}

/// Reads one partition of a ``Source`` (Flink's split reader, a Kafka partition consumer).
///
/// Records are handed over in batches into a caller-owned array so the per-record cost is an
/// append, not a protocol call.
public protocol SourceReader {
    /// The record type.
    associatedtype Record

    /// Appends up to `maxRecords` records to `batch`.
    mutating func read(into batch: inout [Record], maxRecords: Int) throws -> SourceReadStatus

    /// The offset just past the last record returned; a restart from it resumes with the next
    /// record.
    var position: SourceOffset { get }

    /// Acknowledges that everything before `offset` is fully processed and its results are
    /// durable (called after a checkpoint completes); a Kafka reader commits the offset.
    mutating func commit(_ offset: SourceOffset) throws

    /// Releases resources.
    mutating func close()
}

extension SourceReader {
    /// Sources without an acknowledgement channel ignore commits.
    public mutating func commit(_ offset: SourceOffset) throws {}
    /// Nothing to release.
    public mutating func close() {}
}
