/// The number of distinct values of a field.
///
/// Exact, so it keeps every distinct value in state; prefer it for low-cardinality fields.
public struct DistinctCount<Input, Value: Hashable & StateCodable>: AggregateFunction {
    @usableFromInline let value: @Sendable (Input) -> Value

    /// Creates the distinct count of `value(element)`.
    public init(of value: @escaping @Sendable (Input) -> Value) { self.value = value }
    @inlinable public func createAccumulator() -> Set<Value> { [] }
    @inlinable public func add(_ element: Input, timestamp: Int64, to accumulator: inout Set<Value>) {
        accumulator.insert(value(element))
    }
    @inlinable public func merge(_ other: Set<Value>, into accumulator: inout Set<Value>) { accumulator.formUnion(other) }
    @inlinable public func result(_ accumulator: Set<Value>) -> Int64 { Int64(accumulator.count) }
}
