import StreamEngine
import Synchronization

/// A processing-time clock that moves only when told to, for deterministic job tests.
public final class ManualClock: ProcessingTimeClock {
    let time: Atomic<Int64>

    /// Creates a clock at `start` ms.
    public init(start: Int64 = 0) { time = Atomic(start) }

    public func now() -> Int64 { time.load(ordering: .acquiring) }

    /// Moves the clock to `newTime`.
    public func set(_ newTime: Int64) { time.store(newTime, ordering: .releasing) }

    /// Moves the clock forward by `delta` ms.
    public func advance(by delta: Int64) { time.add(delta, ordering: .acquiringAndReleasing) }
}
