import Synchronization

/// Coordinates a parallel job: triggers checkpoints, collects task acknowledgements, tells
/// sources which offsets they may commit, and propagates the first failure.
///
/// One checkpoint at a time (Flink's default), so every source injects every barrier once.
@usableFromInline
final class CheckpointCoordinator: Sendable {
    struct State {
        var pendingID: Int64?
        var acknowledged = 0
        var barrierOffsets: [Int: SourceOffset] = [:]
        var finalOffsets: [Int: SourceOffset] = [:]
        var recordsSinceCheckpoint = 0
        var lastCheckpointTime: Int64
        var nextID: Int64
        var failure: (any Error)?
        var completedCount = 0
    }

    let configuration: CheckpointConfiguration?
    let parallelism: Int
    let state: Mutex<State>
    /// Checkpoint that sources should inject a barrier for (0 = none yet).
    let requested = Atomic<Int64>(0)
    /// Newest completed checkpoint (0 = none).
    let completed = Atomic<Int64>(0)
    let cancelled = Atomic<Bool>(false)

    @usableFromInline
    init(configuration: CheckpointConfiguration?, parallelism: Int, restoredID: Int64?, now: Int64) {
        self.configuration = configuration
        self.parallelism = parallelism
        self.state = Mutex(State(lastCheckpointTime: now, nextID: (restoredID ?? 0) + 1))
    }

    /// The checkpoint sources should have injected a barrier for.
    @usableFromInline
    var requestedCheckpoint: Int64 { requested.load(ordering: .acquiring) }

    /// The newest completed checkpoint.
    @usableFromInline
    var completedCheckpoint: Int64 { completed.load(ordering: .acquiring) }

    @usableFromInline
    var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    @usableFromInline
    var completedCheckpoints: Int { state.withLock { $0.completedCount } }

    /// Records the first failure and stops the job.
    @usableFromInline
    func fail(_ error: any Error) {
        state.withLock { if $0.failure == nil { $0.failure = error } }
        cancelled.store(true, ordering: .releasing)
    }

    @usableFromInline
    var failure: (any Error)? { state.withLock { $0.failure } }

    /// Called by sources after each batch; starts a checkpoint when one is due.
    @usableFromInline
    func recordsRead(_ count: Int, now: Int64) {
        guard let configuration else { return }
        state.withLock { state in
            state.recordsSinceCheckpoint += count
            guard state.pendingID == nil else { return }
            let dueByCount = configuration.everyRecords.map { state.recordsSinceCheckpoint >= $0 } ?? false
            let dueByTime = configuration.everyMilliseconds.map { now - state.lastCheckpointTime >= $0 } ?? false
            guard dueByCount || dueByTime else { return }
            let id = state.nextID
            state.nextID += 1
            state.pendingID = id
            state.acknowledged = 0
            state.barrierOffsets = [:]
            state.recordsSinceCheckpoint = 0
            state.lastCheckpointTime = now
            requested.store(id, ordering: .releasing)
        }
    }

    /// A source injected the barrier of `id` at `offset`.
    @usableFromInline
    func barrierInjected(_ id: Int64, partition: Int, offset: SourceOffset) {
        state.withLock { state in
            if state.pendingID == id { state.barrierOffsets[partition] = offset }
        }
    }

    /// A source ended at `offset`; pending and later checkpoints cover it up to there.
    @usableFromInline
    func sourceFinished(partition: Int, offset: SourceOffset) {
        state.withLock { $0.finalOffsets[partition] = offset }
    }

    /// A task persisted its snapshot of `id`; the last one completes the checkpoint.
    @usableFromInline
    func acknowledge(_ id: Int64, subtask: Int, snapshot: [UInt8]) throws {
        guard let backend = configuration?.backend else { return }
        try backend.persistTaskState(checkpoint: id, subtask: subtask, of: parallelism, bytes: snapshot)
        let offsets: [Int: SourceOffset]? = state.withLock { state in
            guard state.pendingID == id else { return nil }
            state.acknowledged += 1
            guard state.acknowledged == parallelism else { return nil }
            return state.finalOffsets.merging(state.barrierOffsets) { _, barrier in barrier }
        }
        guard let offsets else { return }
        try backend.completeCheckpoint(id, sourceOffsets: offsets)
        state.withLock { state in
            state.pendingID = nil
            state.completedCount += 1
        }
        completed.store(id, ordering: .releasing)
    }
}
