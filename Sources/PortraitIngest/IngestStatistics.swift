import Synchronization

/// Live figures of a running ingest, updated by the pipeline and read by whoever publishes
/// metrics (the executable exports them on `/metrics`; libraries never pick a backend).
public final class IngestStatistics: Sendable {
    private let changes = Atomic<Int>(0)
    private let events = Atomic<Int>(0)
    private let lastEventTimestamp = Atomic<Int>(0)
    private let lastEventSeenAt = Atomic<Int>(0)
    private let metadataOutages = Atomic<Int>(0)
    private let waitingForMetadata = Atomic<Bool>(false)

    public init() {}

    /// Row changes handed to the sink since start.
    public var changeCount: Int { changes.load(ordering: .relaxed) }
    /// Binlog events read since start.
    public var eventCount: Int { events.load(ordering: .relaxed) }

    /// Times the metadata server was unreachable while the ingest saved its bookkeeping (each
    /// outage counts once, however many attempts it took).
    public var metadataOutageCount: Int { metadataOutages.load(ordering: .relaxed) }
    /// Whether the ingest is waiting for the metadata server right now.
    public var isWaitingForMetadata: Bool { waitingForMetadata.load(ordering: .relaxed) }

    /// Seconds the ingest is behind the source: now minus the source time of the last event
    /// (heartbeats count as "caught up"); 0 before the first event.
    public func lagSeconds(now: Int) -> Int {
        let timestamp = lastEventTimestamp.load(ordering: .relaxed)
        return timestamp == 0 ? 0 : max(0, now - timestamp)
    }

    func recordEvent(sourceTimestamp: UInt32, now: Int, isHeartbeat: Bool) {
        events.add(1, ordering: .relaxed)
        // A heartbeat means the source has nothing newer: the ingest is current.
        lastEventTimestamp.store(isHeartbeat ? now : Int(sourceTimestamp), ordering: .relaxed)
        lastEventSeenAt.store(now, ordering: .relaxed)
    }

    func recordChanges(_ count: Int) { changes.add(count, ordering: .relaxed) }

    func beginMetadataOutage() {
        metadataOutages.add(1, ordering: .relaxed)
        waitingForMetadata.store(true, ordering: .relaxed)
    }

    func endMetadataOutage() { waitingForMetadata.store(false, ordering: .relaxed) }
}
