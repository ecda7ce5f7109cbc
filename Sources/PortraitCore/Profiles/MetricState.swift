import TagLang

/// One user's state for one metric: accumulators per time bucket, oldest first. A lifetime
/// metric has a single bucket starting at 0.
///
/// At time `now` a sliding window of length L over buckets of size B covers the buckets whose
/// start is after `bucketStart(now) − L`: the current bucket and the L/B − 1 before it. So the
/// value changes with time alone exactly when the oldest bucket leaves, at `start + L`.
public struct MetricState: Sendable, Equatable {
    public var bucketStarts: [Int64] = []
    public var accumulators: [MetricAccumulator] = []

    public init() {}

    public var isEmpty: Bool { bucketStarts.isEmpty }

    /// Adds an event unless its bucket has already left the window at `nowMs`.
    public mutating func add(_ value: Value, at timestampMs: Int64, metric: CompiledMetric, nowMs: Int64) {
        let start: Int64
        switch metric.window {
        case .lifetime: start = 0
        case .sliding(let length, let bucket):
            start = Self.floor(timestampMs, bucket)
            guard start > Self.floor(nowMs, bucket) - length else { return }
        }
        let index = insertionIndex(for: start)
        if index < bucketStarts.count, bucketStarts[index] == start {
            accumulators[index].add(value, at: timestampMs, aggregation: metric.aggregation)
        } else {
            var accumulator = MetricAccumulator()
            accumulator.add(value, at: timestampMs, aggregation: metric.aggregation)
            guard !accumulator.isEmpty else { return }  // e.g. a sum over a missing field
            bucketStarts.insert(start, at: index)
            accumulators.insert(accumulator, at: index)
        }
    }

    /// Drops the buckets that have left the window at `nowMs`.
    public mutating func expire(nowMs: Int64, window: MetricWindow) {
        guard case .sliding(let length, let bucket) = window else { return }
        let oldestKept = Self.floor(nowMs, bucket) - length
        var dropped = 0
        while dropped < bucketStarts.count, bucketStarts[dropped] <= oldestKept { dropped += 1 }
        if dropped > 0 {
            bucketStarts.removeFirst(dropped)
            accumulators.removeFirst(dropped)
        }
    }

    /// The metric's value over what is kept (call `expire` first).
    public func value(_ aggregation: MetricAggregation) -> Value {
        guard var total = accumulators.first else { return MetricAccumulator().result(aggregation) }
        for accumulator in accumulators.dropFirst() { total.merge(accumulator) }
        return total.result(aggregation)
    }

    /// When the value next changes with time alone: the oldest bucket's departure.
    public func nextExpiry(window: MetricWindow) -> Int64? {
        guard case .sliding(let length, _) = window, let oldest = bucketStarts.first else { return nil }
        return oldest + length
    }

    private func insertionIndex(for start: Int64) -> Int {
        var index = bucketStarts.count  // events mostly arrive in time order: search from the end
        while index > 0, bucketStarts[index - 1] >= start { index -= 1 }
        return index
    }

    /// Floor division that is right for negative times too.
    static func floor(_ time: Int64, _ unit: Int64) -> Int64 {
        let quotient = time / unit
        return (time % unit != 0 && time < 0 ? quotient - 1 : quotient) * unit
    }
}
