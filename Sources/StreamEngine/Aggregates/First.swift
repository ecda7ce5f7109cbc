/// The value of a field at the earliest event time (ties: the first to arrive).
///
/// Ordered by event time rather than arrival so that batch and stream runs agree.
public struct First<Input, Value: StateCodable>: AggregateFunction {
    @usableFromInline let value: @Sendable (Input) -> Value

    /// Creates the first `value(element)` by event time.
    public init(of value: @escaping @Sendable (Input) -> Value) { self.value = value }
    @inlinable public func createAccumulator() -> TimestampedValue<Value>? { nil }
    @inlinable public func add(_ element: Input, timestamp: Int64, to accumulator: inout TimestampedValue<Value>?) {
        if accumulator.map({ timestamp < $0.timestamp }) ?? true {
            accumulator = TimestampedValue(timestamp: timestamp, value: value(element))
        }
    }
    @inlinable public func merge(_ other: TimestampedValue<Value>?, into accumulator: inout TimestampedValue<Value>?) {
        guard let other else { return }
        if accumulator.map({ other.timestamp < $0.timestamp }) ?? true { accumulator = other }
    }
    @inlinable public func result(_ accumulator: TimestampedValue<Value>?) -> Value? { accumulator?.value }
}
