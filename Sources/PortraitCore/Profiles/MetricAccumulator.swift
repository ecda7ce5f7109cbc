import TagLang

/// The running fold of one metric over the numeric side of one time bucket (or of a whole
/// lifetime): counts, sums, extremes and times. One shape serves every aggregation; only the
/// fields an aggregation reads are kept up to date and encoded. The values a bucket keeps
/// (`last_value`'s value, `distinct`'s set) live beside it in ``MetricState``, so this is plain
/// data: arrays of it copy and free without touching a reference count.
public struct MetricAccumulator: Sendable, Equatable {
    /// Matching events (for `count`), or values folded (numeric aggregations).
    public var count: Int64 = 0
    public var sum: Double = 0
    public var minimum: Double = .infinity
    public var maximum: Double = -.infinity
    public var firstMs: Int64 = .max
    /// The newest event time folded (`last_seen`), or the time of the bucket's `last_value`.
    public var lastMs: Int64 = .min

    public init() {}

    /// Folds one matching event into the numeric fields; `value` is the aggregated field
    /// (`.null` when the aggregation reads none or the event lacks it). `distinct` and
    /// `last_value` keep their values in ``MetricState``, which calls this for the rest.
    public mutating func add(_ value: Value, at timestampMs: Int64, aggregation: MetricAggregation) {
        switch aggregation {
        case .count:
            count += 1
        case .sum, .min, .max, .avg:
            guard case .number(let number) = value else { return }
            count += 1
            sum += number
            minimum = Swift.min(minimum, number)
            maximum = Swift.max(maximum, number)
        case .firstSeen, .lastSeen:
            count += 1
            firstMs = Swift.min(firstMs, timestampMs)
            lastMs = Swift.max(lastMs, timestampMs)
        case .distinct, .lastValue:
            break
        }
    }

    /// Folds another bucket's numeric fields in.
    public mutating func merge(_ other: MetricAccumulator) {
        count += other.count
        sum += other.sum
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
        firstMs = Swift.min(firstMs, other.firstMs)
        lastMs = Swift.max(lastMs, other.lastMs)
    }

    /// The value of a numeric aggregation; `.null` when nothing was folded (no minimum of
    /// nothing). `distinct` and `last_value` are ``MetricState``'s to compute.
    public func result(_ aggregation: MetricAggregation) -> Value {
        switch aggregation {
        case .count: return .number(Double(count))
        case .sum: return .number(sum)
        case .min: return count > 0 ? .number(minimum) : .null
        case .max: return count > 0 ? .number(maximum) : .null
        case .avg: return count > 0 ? .number(sum / Double(count)) : .null
        case .firstSeen: return count > 0 ? .timestamp(firstMs) : .null
        case .lastSeen: return count > 0 ? .timestamp(lastMs) : .null
        case .distinct: return .number(0)
        case .lastValue: return .null
        }
    }
}
