/// When and where a job checkpoints.
///
/// A checkpoint flushes every sink writer, persists every task's keyed state and timers to
/// the ``StateBackend``, and only then commits source offsets (``SourceReader/commit(_:)``).
public struct CheckpointConfiguration: Sendable {
    /// Checkpoint after this many source records (over all partitions). Default: `nil`.
    public var everyRecords: Int?
    /// Checkpoint after this much processing time in ms. Default: `nil`.
    public var everyMilliseconds: Int64?
    /// Where snapshots go.
    public var backend: any StateBackend

    /// Creates a configuration; set at least one of the intervals.
    public init(backend: any StateBackend, everyRecords: Int? = nil, everyMilliseconds: Int64? = nil) {
        self.backend = backend
        self.everyRecords = everyRecords
        self.everyMilliseconds = everyMilliseconds
    }
}
