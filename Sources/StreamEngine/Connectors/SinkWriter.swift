/// Writes one task's results (Flink's `SinkWriter`).
///
/// A checkpoint calls ``flush()`` before the state snapshot is persisted and before source
/// offsets are committed, so after `flush` returns the writes must be durable (or at least
/// handed to the external system).
public protocol SinkWriter {
    /// Element type.
    associatedtype Input

    /// Buffers or writes one element.
    mutating func write(_ element: Input) throws
    /// Makes everything written so far durable.
    mutating func flush() throws
    /// Flushes and releases resources at the end of the job.
    mutating func close() throws
}

extension SinkWriter {
    /// Writers without buffers have nothing to flush.
    public mutating func flush() throws {}
    /// Closing flushes by default.
    public mutating func close() throws { try flush() }
}
