/// Session windows: activity separated by less than `gap` forms one window
/// `[first event, last event + gap)`.
///
/// Each element starts as its own window `[t, t + gap)`; overlapping windows of a key are
/// merged by the ``MergingWindowOperator``.
public struct EventTimeSessionWindows: MergingWindowAssigner {
    /// Inactivity that closes a session, in ms.
    public let gap: Int64

    /// Creates the assigner; `gap` must be positive.
    public init(gap: Int64) {
        precondition(gap > 0, "session gap must be positive")
        self.gap = gap
    }

    @inlinable
    public func assignWindows(timestamp: Int64, _ body: (TimeWindow) -> Void) {
        body(TimeWindow(start: timestamp, end: timestamp + gap))
    }
}
