/// The smallest value of a field; `nil` for no elements.
public struct Min<Input, Value: Comparable & StateCodable>: AggregateFunction {
    @usableFromInline let value: @Sendable (Input) -> Value

    /// Creates the minimum of `value(element)`.
    public init(of value: @escaping @Sendable (Input) -> Value) { self.value = value }
    @inlinable public func createAccumulator() -> Value? { nil }
    @inlinable public func add(_ element: Input, timestamp: Int64, to accumulator: inout Value?) {
        let candidate = value(element)
        if accumulator.map({ candidate < $0 }) ?? true { accumulator = candidate }
    }
    @inlinable public func merge(_ other: Value?, into accumulator: inout Value?) {
        guard let other else { return }
        if accumulator.map({ other < $0 }) ?? true { accumulator = other }
    }
    @inlinable public func result(_ accumulator: Value?) -> Value? { accumulator }
}
