/// Everything needed to resume a job: where each source partition was, and every task's
/// keyed state and timers at that point.
public struct CompletedCheckpoint: Sendable, Equatable {
    /// Increasing checkpoint number.
    public var id: Int64
    /// Offset per source partition to resume from.
    public var sourceOffsets: [Int: SourceOffset]
    /// Snapshot bytes per task (index = subtask); the job's parallelism when it was taken.
    public var taskStates: [[UInt8]]

    /// Creates a checkpoint record.
    public init(id: Int64, sourceOffsets: [Int: SourceOffset], taskStates: [[UInt8]]) {
        self.id = id
        self.sourceOffsets = sourceOffsets
        self.taskStates = taskStates
    }
}
