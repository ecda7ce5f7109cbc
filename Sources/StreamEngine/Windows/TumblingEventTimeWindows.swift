/// Fixed-size, non-overlapping event-time windows aligned to the epoch (plus `offset`).
public struct TumblingEventTimeWindows: WindowAssigner {
    /// Window length in ms.
    public let size: Int64
    /// Alignment shift in ms. Default: 0 (aligned to the epoch, i.e. UTC).
    public let offset: Int64

    /// Creates the assigner; `size` must be positive.
    public init(size: Int64, offset: Int64 = 0) {
        precondition(size > 0, "window size must be positive")
        self.size = size
        self.offset = offset % size
    }

    @inlinable
    public func assignWindows(timestamp: Int64, _ body: (TimeWindow) -> Void) {
        let start = TimeWindow.windowStart(of: timestamp, offset: offset, size: size)
        body(TimeWindow(start: start, end: start + size))
    }
}
