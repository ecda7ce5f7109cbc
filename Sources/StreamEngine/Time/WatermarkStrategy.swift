/// How a source's records get event timestamps and how watermarks are derived from them.
///
/// The strategy is applied per source partition (Flink's per-split watermarks); a task's
/// watermark is the minimum over its non-idle inputs (see ``WatermarkValve``).
public struct WatermarkStrategy<Record>: Sendable {
    /// Extracts the event timestamp (epoch ms) from a record.
    public let timestamp: @Sendable (Record) -> Int64
    /// Maximum disorder tolerated; `nil` means no periodic watermarks (only +∞ at end of input).
    public let outOfOrderness: Int64?
    /// Emit a watermark after this many records of a partition. Default: 4096.
    public let emitEvery: Int
    /// A partition that reports no data for this long (processing ms) is marked idle, so it
    /// does not hold back the others. Default: 0 (idle as soon as the reader says so).
    public let idleTimeout: Int64

    /// Timestamps only; watermarks come from end of input alone.
    public static func noWatermarks(timestamp: @escaping @Sendable (Record) -> Int64) -> Self {
        Self(timestamp: timestamp, outOfOrderness: nil, emitEvery: 4096, idleTimeout: 0)
    }

    /// Bounded out-of-orderness watermarks, emitted every `emitEvery` records per partition.
    public static func boundedOutOfOrderness(
        _ bound: Int64, emitEvery: Int = 4096, idleTimeout: Int64 = 0,
        timestamp: @escaping @Sendable (Record) -> Int64
    ) -> Self {
        Self(timestamp: timestamp, outOfOrderness: bound, emitEvery: max(1, emitEvery), idleTimeout: idleTimeout)
    }
}
