/// Where checkpoints are persisted (Flink's state backend / checkpoint storage).
///
/// The runtime calls ``persistTaskState(checkpoint:subtask:of:bytes:)`` once per task, then
/// ``completeCheckpoint(_:sourceOffsets:)`` once every task has persisted; only after that
/// are source offsets committed. A checkpoint that was never completed must not be returned
/// by ``latestCheckpoint()``.
public protocol StateBackend: Sendable {
    /// Stores one task's snapshot for a pending checkpoint.
    func persistTaskState(checkpoint: Int64, subtask: Int, of parallelism: Int, bytes: [UInt8]) throws
    /// Marks a checkpoint complete with the source offsets it covers.
    func completeCheckpoint(_ checkpoint: Int64, sourceOffsets: [Int: SourceOffset]) throws
    /// The newest completed checkpoint, if any.
    func latestCheckpoint() throws -> CompletedCheckpoint?
}
