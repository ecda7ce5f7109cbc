/// A value with the event timestamp it was seen at (the accumulator of ``First``/``Last``).
public struct TimestampedValue<Value: StateCodable>: StateCodable {
    /// Event timestamp, epoch ms.
    public var timestamp: Int64
    /// The value.
    public var value: Value

    /// Creates a timestamped value.
    @inlinable
    public init(timestamp: Int64, value: Value) {
        self.timestamp = timestamp
        self.value = value
    }

    public func encode(to encoder: inout StateEncoder) {
        timestamp.encode(to: &encoder)
        value.encode(to: &encoder)
    }

    public init(from decoder: inout StateDecoder) throws(StateDecodingError) {
        timestamp = try Int64(from: &decoder)
        value = try Value(from: &decoder)
    }
}

extension TimestampedValue: Sendable where Value: Sendable {}
extension TimestampedValue: Equatable where Value: Equatable {}
