/// Counts elements.
public struct Count<Input>: AggregateFunction {
    /// Creates the aggregate.
    public init() {}
    @inlinable public func createAccumulator() -> Int64 { 0 }
    @inlinable public func add(_ value: Input, timestamp: Int64, to accumulator: inout Int64) { accumulator &+= 1 }
    @inlinable public func merge(_ other: Int64, into accumulator: inout Int64) { accumulator &+= other }
    @inlinable public func result(_ accumulator: Int64) -> Int64 { accumulator }
}
