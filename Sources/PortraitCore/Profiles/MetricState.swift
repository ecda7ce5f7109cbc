import TagLang

/// One user's state for one metric: per time bucket, oldest first, its start and its
/// accumulator, and for `last_value` and `distinct` the values it keeps. A lifetime metric has
/// a single bucket starting at 0.
///
/// At time `now` a sliding window of length L over buckets of size B covers the buckets whose
/// start is after `bucketStart(now) − L`: the current bucket and the L/B − 1 before it. So the
/// value changes with time alone exactly when the oldest bucket leaves, at `start + L`.
///
/// Each bucket's start and accumulator sit together in one array: folding an event, expiring
/// and computing the value, and encoding the blob each read a metric's buckets, and with starts
/// and accumulators in two arrays each of those reads missed the cache twice per metric
/// (Benchmarks/README.md, "Issue 15, thirteenth step").
public struct MetricState: Sendable, Equatable {
    public var buckets: [MetricBucket] = []
    /// `last_value`: each bucket's newest value (its time is the accumulator's `lastMs`), one
    /// per bucket; empty for the other aggregations.
    public var lastValues: [Value] = []
    /// `distinct`: each bucket's values, one set per bucket; empty for the other aggregations.
    public var distinctValues: [Set<Value>] = []

    public init() {}

    public var isEmpty: Bool { buckets.isEmpty }

    /// The buckets' starts, oldest first.
    public var bucketStarts: [Int64] { buckets.map(\.start) }

    /// Adds an event unless its bucket has already left the window at `nowMs`.
    public mutating func add(_ value: Value, at timestampMs: Int64, metric: CompiledMetric, nowMs: Int64) {
        let start: Int64
        switch metric.window {
        case .lifetime: start = 0
        case .sliding(let length, let bucket):
            start = Self.floor(timestampMs, bucket)
            guard start > Self.floor(nowMs, bucket) - length else { return }
        }
        let aggregation = metric.aggregation
        let count = buckets.count
        if aggregation == .lastValue { Self.pad(&lastValues, to: count, with: .null) }
        if aggregation == .distinct { Self.pad(&distinctValues, to: count, with: []) }
        let index = insertionIndex(for: start)
        if index == buckets.count || buckets[index].start != start {
            guard Self.contributes(value, to: aggregation) else { return }  // e.g. a sum over a missing field
            buckets.insert(MetricBucket(start: start), at: index)
            if aggregation == .lastValue { lastValues.insert(.null, at: index) }
            if aggregation == .distinct { distinctValues.insert([], at: index) }
        }
        switch aggregation {
        case .lastValue:
            // Equal times: the later arrival wins.
            guard value != .null, timestampMs >= buckets[index].accumulator.lastMs else { return }
            buckets[index].accumulator.lastMs = timestampMs
            lastValues[index] = value
        case .distinct:
            guard value != .null else { return }
            distinctValues[index].insert(value)
        default:
            buckets[index].accumulator.add(value, at: timestampMs, aggregation: aggregation)
        }
    }

    /// Whether an event with `value` puts anything into a new bucket.
    private static func contributes(_ value: Value, to aggregation: MetricAggregation) -> Bool {
        switch aggregation {
        case .count, .firstSeen, .lastSeen: true
        case .sum, .min, .max, .avg: if case .number = value { true } else { false }
        case .distinct, .lastValue: value != .null
        }
    }

    /// One entry per bucket in `values`, as the buckets have (a blob's buckets that kept no value
    /// read back with none: never for a `last_value` or `distinct` metric, whose buckets all
    /// keep one, but a corrupt state must not index past the end).
    private static func pad<Element>(_ values: inout [Element], to count: Int, with empty: Element) {
        if values.count < count { values.append(contentsOf: repeatElement(empty, count: count - values.count)) }
    }

    /// Drops the buckets that have left the window at `nowMs`.
    public mutating func expire(nowMs: Int64, window: MetricWindow) {
        guard case .sliding(let length, let bucket) = window else { return }
        let oldestKept = Self.floor(nowMs, bucket) - length
        var dropped = 0
        while dropped < buckets.count, buckets[dropped].start <= oldestKept { dropped += 1 }
        if dropped > 0 {
            buckets.removeFirst(dropped)
            if !lastValues.isEmpty { lastValues.removeFirst(Swift.min(dropped, lastValues.count)) }
            if !distinctValues.isEmpty { distinctValues.removeFirst(Swift.min(dropped, distinctValues.count)) }
        }
    }

    /// The metric's value over what is kept (call `expire` first).
    public func value(_ aggregation: MetricAggregation) -> Value {
        switch aggregation {
        case .distinct:
            guard distinctValues.count > 1 else { return .number(Double(distinctValues.first?.count ?? 0)) }
            var union = distinctValues[0]
            for values in distinctValues.dropFirst() { union.formUnion(values) }
            return .number(Double(union.count))
        case .lastValue:
            // The newest by event time; between buckets of equal times, the newer bucket.
            var newest: (ms: Int64, value: Value)? = nil
            for index in lastValues.indices where index < buckets.count && lastValues[index] != .null {
                let ms = buckets[index].accumulator.lastMs
                if newest == nil || ms >= newest!.ms { newest = (ms, lastValues[index]) }
            }
            return newest?.value ?? .null
        default:
            guard var total = buckets.first?.accumulator else { return MetricAccumulator().result(aggregation) }
            for index in buckets.indices.dropFirst() { total.merge(buckets[index].accumulator) }  // no slice (a retain) of the array
            return total.result(aggregation)
        }
    }

    /// When the value next changes with time alone: the oldest bucket's departure.
    public func nextExpiry(window: MetricWindow) -> Int64? {
        guard case .sliding(let length, _) = window, let oldest = buckets.first else { return nil }
        return oldest.start + length
    }

    private func insertionIndex(for start: Int64) -> Int {
        var index = buckets.count  // events mostly arrive in time order: search from the end
        while index > 0, buckets[index - 1].start >= start { index -= 1 }
        return index
    }

    /// Floor division that is right for negative times too.
    static func floor(_ time: Int64, _ unit: Int64) -> Int64 {
        let quotient = time / unit
        return (time % unit != 0 && time < 0 ? quotient - 1 : quotient) * unit
    }
}

/// One time bucket of a ``MetricState``: where it starts and what it has accumulated.
public struct MetricBucket: Sendable, Equatable {
    public var start: Int64
    public var accumulator = MetricAccumulator()

    public init(start: Int64, accumulator: MetricAccumulator = MetricAccumulator()) {
        self.start = start
        self.accumulator = accumulator
    }
}
