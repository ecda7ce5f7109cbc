import StreamEngine

/// The W1 key: user and event type, so hashing is two integers.
public struct UserEventTypeKey: StateHashable, Sendable, StateCodable {
    /// The user.
    public var userID: Int64
    /// The event type.
    public var eventType: EventType

    /// Creates a key.
    @inlinable
    public init(userID: Int64, eventType: EventType) {
        self.userID = userID
        self.eventType = eventType
    }

    /// User and type folded together with integer math.
    @inlinable
    public var stateHash: UInt64 { StateHash.combine(UInt64(bitPattern: userID), UInt64(eventType.id)) }

    public func encode(to encoder: inout StateEncoder) {
        userID.encode(to: &encoder)
        eventType.encode(to: &encoder)
    }

    public init(from decoder: inout StateDecoder) throws(StateDecodingError) {
        userID = try Int64(from: &decoder)
        eventType = try EventType(from: &decoder)
    }
}
