/// Sums a numeric field of the elements.
///
/// Use integer units (e.g. cents as `Int64`) for exact decimal sums.
public struct Sum<Input, Value: AdditiveArithmetic & StateCodable>: AggregateFunction {
    @usableFromInline let value: @Sendable (Input) -> Value

    /// Creates a sum of `value(element)`.
    public init(of value: @escaping @Sendable (Input) -> Value) { self.value = value }
    @inlinable public func createAccumulator() -> Value { .zero }
    @inlinable public func add(_ element: Input, timestamp: Int64, to accumulator: inout Value) { accumulator += value(element) }
    @inlinable public func merge(_ other: Value, into accumulator: inout Value) { accumulator += other }
    @inlinable public func result(_ accumulator: Value) -> Value { accumulator }
}
