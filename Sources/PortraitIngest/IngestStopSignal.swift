import Synchronization

/// Asks a running ingest to stop: it flushes, saves its position at the next commit boundary
/// (or heartbeat) and returns. Safe to trigger from a signal-handling thread.
public final class IngestStopSignal: Sendable {
    private let requested = Atomic<Bool>(false)

    public init() {}

    public func requestStop() { requested.store(true, ordering: .relaxed) }

    public var isRequested: Bool { requested.load(ordering: .relaxed) }
}
