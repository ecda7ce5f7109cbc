import Synchronization

/// Keeps checkpoints in memory: for tests, and for jobs whose sink is the only durable output.
public final class InMemoryStateBackend: StateBackend {
    struct Storage {
        var pending: [Int64: [Int: [UInt8]]] = [:]
        var parallelism: [Int64: Int] = [:]
        var completed: CompletedCheckpoint?
    }

    let storage = Mutex(Storage())

    /// Creates an empty backend.
    public init() {}

    public func persistTaskState(checkpoint: Int64, subtask: Int, of parallelism: Int, bytes: [UInt8]) throws {
        storage.withLock {
            $0.pending[checkpoint, default: [:]][subtask] = bytes
            $0.parallelism[checkpoint] = parallelism
        }
    }

    public func completeCheckpoint(_ checkpoint: Int64, sourceOffsets: [Int: SourceOffset]) throws {
        try storage.withLock { storage throws(JobError) in
            let states = storage.pending.removeValue(forKey: checkpoint) ?? [:]
            let parallelism = storage.parallelism.removeValue(forKey: checkpoint) ?? 0
            guard states.count == parallelism else {
                throw .incompatibleCheckpoint("checkpoint \(checkpoint) has \(states.count) of \(parallelism) task states")
            }
            let ordered = (0..<parallelism).map { states[$0] ?? [] }
            storage.completed = CompletedCheckpoint(id: checkpoint, sourceOffsets: sourceOffsets, taskStates: ordered)
            // Older pending checkpoints can never complete now.
            storage.pending = storage.pending.filter { $0.key > checkpoint }
        }
    }

    public func latestCheckpoint() throws -> CompletedCheckpoint? { storage.withLock { $0.completed } }
}
