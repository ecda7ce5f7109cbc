/// The running sum and count behind ``Average``.
public struct AverageAccumulator: Sendable, Hashable, StateCodable {
    /// Sum of the values.
    public var sum: Double
    /// Number of values.
    public var count: Int64

    /// Creates an accumulator.
    public init(sum: Double = 0, count: Int64 = 0) {
        self.sum = sum
        self.count = count
    }

    public func encode(to encoder: inout StateEncoder) {
        sum.encode(to: &encoder)
        count.encode(to: &encoder)
    }

    public init(from decoder: inout StateDecoder) throws(StateDecodingError) {
        sum = try Double(from: &decoder)
        count = try Int64(from: &decoder)
    }
}

/// The arithmetic mean of a field; `nil` for no elements.
public struct Average<Input>: AggregateFunction {
    @usableFromInline let value: @Sendable (Input) -> Double

    /// Creates the mean of `value(element)`.
    public init(of value: @escaping @Sendable (Input) -> Double) { self.value = value }
    @inlinable public func createAccumulator() -> AverageAccumulator { AverageAccumulator() }
    @inlinable public func add(_ element: Input, timestamp: Int64, to accumulator: inout AverageAccumulator) {
        accumulator.sum += value(element)
        accumulator.count += 1
    }
    @inlinable public func merge(_ other: AverageAccumulator, into accumulator: inout AverageAccumulator) {
        accumulator.sum += other.sum
        accumulator.count += other.count
    }
    @inlinable public func result(_ accumulator: AverageAccumulator) -> Double? {
        accumulator.count == 0 ? nil : accumulator.sum / Double(accumulator.count)
    }
}
