/// A half-open event-time interval `[start, end)` in epoch milliseconds.
public struct TimeWindow: Window, Comparable, CustomStringConvertible {
    /// First timestamp in the window.
    public var start: Int64
    /// First timestamp after the window.
    public var end: Int64

    /// Creates a window.
    @inlinable
    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// `end - 1`: the window fires when the watermark reaches it.
    @inlinable
    public var maxTimestamp: Int64 { end - 1 }

    /// Whether the windows overlap or touch (Flink's rule for merging sessions).
    @inlinable
    public func intersects(_ other: TimeWindow) -> Bool {
        start <= other.end && end >= other.start
    }

    /// The smallest window containing both.
    @inlinable
    public func cover(_ other: TimeWindow) -> TimeWindow {
        TimeWindow(start: min(start, other.start), end: max(end, other.end))
    }

    /// Start of the window of size `size` (aligned to `offset`) that contains `timestamp`.
    @inlinable
    public static func windowStart(of timestamp: Int64, offset: Int64, size: Int64) -> Int64 {
        let remainder = (timestamp - offset) % size
        // Swift's % keeps the dividend's sign; shift negative remainders into [0, size).
        return remainder < 0 ? timestamp - (remainder + size) : timestamp - remainder
    }

    public static func < (lhs: TimeWindow, rhs: TimeWindow) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }

    /// Start and end folded together; both are integers, so no `Hasher` is needed.
    @inlinable
    public var stateHash: UInt64 { StateHash.combine(UInt64(bitPattern: start), UInt64(bitPattern: end)) }

    public var description: String { "[\(start), \(end))" }

    public func encode(to encoder: inout StateEncoder) {
        encoder.writeVarInt(start)
        encoder.writeVarInt(end &- start)
    }

    public init(from decoder: inout StateDecoder) throws(StateDecodingError) {
        start = try decoder.readVarInt()
        end = start &+ (try decoder.readVarInt())
    }
}
