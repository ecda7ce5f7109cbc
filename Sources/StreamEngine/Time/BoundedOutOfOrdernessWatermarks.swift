/// Watermark generator for data whose timestamps lag their arrival by at most a fixed bound.
///
/// Like Flink's `BoundedOutOfOrdernessWatermarks`: after seeing maximum timestamp `t`, the
/// watermark is `t - bound - 1`, i.e. every event with timestamp `> t - bound` may still come.
public struct BoundedOutOfOrdernessWatermarks: Sendable {
    /// The largest lag between an event's timestamp and the maximum seen so far.
    public let outOfOrderness: Int64
    @usableFromInline var maxTimestamp: Int64

    /// Creates a generator that tolerates `outOfOrderness` milliseconds of disorder.
    public init(outOfOrderness: Int64) {
        self.outOfOrderness = outOfOrderness
        // Start so that `currentWatermark` is `Int64.min` without overflowing.
        self.maxTimestamp = Int64.min + outOfOrderness + 1
    }

    /// Records an event's timestamp.
    @inlinable
    public mutating func onEvent(timestamp: Int64) {
        if timestamp > maxTimestamp { maxTimestamp = timestamp }
    }

    /// The watermark implied by the events seen so far.
    @inlinable
    public var currentWatermark: Int64 { maxTimestamp - outOfOrderness - 1 }
}
