/// The accumulators of two aggregates side by side.
public struct AccumulatorPair<First: StateCodable, Second: StateCodable>: StateCodable {
    /// The first aggregate's accumulator.
    public var first: First
    /// The second aggregate's accumulator.
    public var second: Second

    /// Creates a pair.
    @inlinable
    public init(_ first: First, _ second: Second) {
        self.first = first
        self.second = second
    }

    public func encode(to encoder: inout StateEncoder) {
        first.encode(to: &encoder)
        second.encode(to: &encoder)
    }

    public init(from decoder: inout StateDecoder) throws(StateDecodingError) {
        first = try First(from: &decoder)
        second = try Second(from: &decoder)
    }
}

extension AccumulatorPair: Sendable where First: Sendable, Second: Sendable {}

/// Runs two aggregates over the same elements in one accumulator (e.g. count and sum).
public struct AggregatePair<A: AggregateFunction, B: AggregateFunction>: AggregateFunction where A.Input == B.Input {
    @usableFromInline let a: A
    @usableFromInline let b: B

    /// Combines `a` and `b`.
    public init(_ a: A, _ b: B) {
        self.a = a
        self.b = b
    }

    @inlinable public func createAccumulator() -> AccumulatorPair<A.Accumulator, B.Accumulator> {
        AccumulatorPair(a.createAccumulator(), b.createAccumulator())
    }
    @inlinable public func add(_ value: A.Input, timestamp: Int64, to accumulator: inout AccumulatorPair<A.Accumulator, B.Accumulator>) {
        a.add(value, timestamp: timestamp, to: &accumulator.first)
        b.add(value, timestamp: timestamp, to: &accumulator.second)
    }
    @inlinable public func merge(_ other: AccumulatorPair<A.Accumulator, B.Accumulator>, into accumulator: inout AccumulatorPair<A.Accumulator, B.Accumulator>) {
        a.merge(other.first, into: &accumulator.first)
        b.merge(other.second, into: &accumulator.second)
    }
    @inlinable public func result(_ accumulator: AccumulatorPair<A.Accumulator, B.Accumulator>) -> (A.Output, B.Output) {
        (a.result(accumulator.first), b.result(accumulator.second))
    }
}
