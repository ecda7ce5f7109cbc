import Foundation

/// Decides when a chained (single-task) job checkpoints and performs the cycle in order:
/// flush sinks → persist the operator's snapshot → complete the checkpoint → commit offsets.
@usableFromInline
struct SynchronousCheckpointer {
    @usableFromInline let configuration: CheckpointConfiguration?
    @usableFromInline var nextID: Int64
    @usableFromInline var recordsSinceCheckpoint = 0
    @usableFromInline var lastCheckpointTime: Int64

    @usableFromInline
    init(configuration: CheckpointConfiguration?, restoredID: Int64?, now: Int64) {
        self.configuration = configuration
        self.nextID = (restoredID ?? 0) + 1
        self.lastCheckpointTime = now
    }

    @inlinable
    mutating func recordsRead(_ count: Int) { recordsSinceCheckpoint &+= count }

    @usableFromInline
    func isDue(now: Int64) -> Bool {
        guard let configuration else { return false }
        if let every = configuration.everyRecords, recordsSinceCheckpoint >= every { return true }
        if let every = configuration.everyMilliseconds, now - lastCheckpointTime >= every { return true }
        return false
    }

    @inlinable
    mutating func checkpoint<Op: KeyedOperator, Post, Main, Side, Reader: SourceReader>(
        operator op: Op, output: inout TaskOutput<Post, Main, Side>, readers: inout [Reader], now: Int64
    ) throws {
        guard let backend = configuration?.backend else { return }
        try output.flush()
        var encoder = StateEncoder()
        op.snapshotState(to: &encoder)
        try backend.persistTaskState(checkpoint: nextID, subtask: 0, of: 1, bytes: encoder.bytes)
        var offsets: [Int: SourceOffset] = [:]
        for index in readers.indices { offsets[index] = readers[index].position }
        try backend.completeCheckpoint(nextID, sourceOffsets: offsets)
        for index in readers.indices { try readers[index].commit(offsets[index] ?? 0) }
        nextID += 1
        recordsSinceCheckpoint = 0
        lastCheckpointTime = now
    }

    @usableFromInline
    func pause() { Thread.sleep(forTimeInterval: 0.001) }
}
