import TagLang

/// The running fold of one metric over the events of one time bucket (or of a whole
/// lifetime). One shape serves every aggregation; only the fields an aggregation reads are
/// kept up to date and encoded.
public struct MetricAccumulator: Sendable, Equatable {
    /// Matching events (for `count`), or values folded (numeric aggregations).
    public var count: Int64 = 0
    public var sum: Double = 0
    public var minimum: Double = .infinity
    public var maximum: Double = -.infinity
    public var firstMs: Int64 = .max
    public var lastMs: Int64 = .min
    public var lastValue: Value = .null
    public var distinct: Set<Value> = []

    public init() {}

    public var isEmpty: Bool { count == 0 && distinct.isEmpty && lastMs == .min }

    /// Folds one matching event in; `value` is the aggregated field (`.null` when the
    /// aggregation reads none or the event lacks it).
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
        case .distinct:
            if value != .null { distinct.insert(value) }
        case .firstSeen, .lastSeen:
            count += 1
            firstMs = Swift.min(firstMs, timestampMs)
            lastMs = Swift.max(lastMs, timestampMs)
        case .lastValue:
            guard value != .null, timestampMs >= lastMs else { return }  // equal times: the later arrival wins
            lastMs = timestampMs
            lastValue = value
        }
    }

    /// Folds another bucket in (buckets are merged oldest first, so `last_value` ties go to
    /// the newer bucket).
    public mutating func merge(_ other: MetricAccumulator) {
        count += other.count
        sum += other.sum
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
        firstMs = Swift.min(firstMs, other.firstMs)
        if other.lastMs >= lastMs, other.lastValue != .null || lastValue == .null {
            lastValue = other.lastValue
        }
        lastMs = Swift.max(lastMs, other.lastMs)
        distinct.formUnion(other.distinct)
    }

    /// The metric's value; `.null` when nothing was folded (no minimum of nothing).
    public func result(_ aggregation: MetricAggregation) -> Value {
        switch aggregation {
        case .count: return .number(Double(count))
        case .sum: return .number(sum)
        case .min: return count > 0 ? .number(minimum) : .null
        case .max: return count > 0 ? .number(maximum) : .null
        case .avg: return count > 0 ? .number(sum / Double(count)) : .null
        case .distinct: return .number(Double(distinct.count))
        case .firstSeen: return count > 0 ? .timestamp(firstMs) : .null
        case .lastSeen: return count > 0 ? .timestamp(lastMs) : .null
        case .lastValue: return lastValue
        }
    }
}
