/// Event-time windows of length `size` starting every `slide`; an element belongs to
/// `size / slide` windows.
public struct SlidingEventTimeWindows: WindowAssigner {
    /// Window length in ms.
    public let size: Int64
    /// Distance between window starts in ms.
    public let slide: Int64
    /// Alignment shift in ms. Default: 0.
    public let offset: Int64

    /// Creates the assigner; `size` and `slide` must be positive.
    public init(size: Int64, slide: Int64, offset: Int64 = 0) {
        precondition(size > 0 && slide > 0, "window size and slide must be positive")
        self.size = size
        self.slide = slide
        self.offset = offset % slide
    }

    @inlinable
    public func assignWindows(timestamp: Int64, _ body: (TimeWindow) -> Void) {
        var start = TimeWindow.windowStart(of: timestamp, offset: offset, size: slide)
        while start > timestamp - size {
            body(TimeWindow(start: start, end: start + size))
            start -= slide
        }
    }
}
