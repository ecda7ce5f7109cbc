/// The value of a field at the latest event time (ties: the last to arrive).
public struct Last<Input, Value: StateCodable>: AggregateFunction {
    @usableFromInline let value: @Sendable (Input) -> Value

    /// Creates the last `value(element)` by event time.
    public init(of value: @escaping @Sendable (Input) -> Value) { self.value = value }
    @inlinable public func createAccumulator() -> TimestampedValue<Value>? { nil }
    @inlinable public func add(_ element: Input, timestamp: Int64, to accumulator: inout TimestampedValue<Value>?) {
        if accumulator.map({ timestamp >= $0.timestamp }) ?? true {
            accumulator = TimestampedValue(timestamp: timestamp, value: value(element))
        }
    }
    @inlinable public func merge(_ other: TimestampedValue<Value>?, into accumulator: inout TimestampedValue<Value>?) {
        guard let other else { return }
        if accumulator.map({ other.timestamp >= $0.timestamp }) ?? true { accumulator = other }
    }
    @inlinable public func result(_ accumulator: TimestampedValue<Value>?) -> Value? { accumulator?.value }
}
