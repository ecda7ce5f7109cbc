import Synchronization

/// An in-memory sink for tests: rows become visible in ``committed`` only when a checkpoint
/// (or the end of the job) flushes them, like a transactional sink.
public final class CollectingSink<Element: Sendable>: Sink {
    let storage = Mutex<(committed: [Element], flushes: Int)>(([], 0))

    /// Creates an empty sink.
    public init() {}

    /// Every element flushed so far, in flush order.
    public var committed: [Element] { storage.withLock { $0.committed } }

    /// Number of flushes (checkpoints plus final closes).
    public var flushCount: Int { storage.withLock { $0.flushes } }

    public func createWriter(subtask: Int, parallelism: Int) throws -> Writer { Writer(sink: self) }

    /// Buffers one task's elements until flushed.
    public struct Writer: SinkWriter {
        let sink: CollectingSink
        var pending: [Element] = []

        public mutating func write(_ element: Element) throws { pending.append(element) }

        public mutating func flush() throws {
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            sink.storage.withLock {
                $0.committed.append(contentsOf: batch)
                $0.flushes += 1
            }
        }
    }
}

/// A sink that drops everything (the default for unused side outputs).
public struct DiscardingSink<Element>: Sink {
    /// Creates the sink.
    public init() {}

    public func createWriter(subtask: Int, parallelism: Int) throws -> Writer { Writer() }

    /// Drops elements.
    public struct Writer: SinkWriter {
        @inlinable public mutating func write(_ element: Element) throws {}
    }
}
