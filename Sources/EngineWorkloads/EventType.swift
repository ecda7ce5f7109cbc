import StreamEngine

/// An interned event type (`view`, `click`, …): a small integer, so keys stay compact and
/// hashing never touches strings.
public struct EventType: StateHashable, Sendable, StateCodable {
    /// The interned id (index into ``EventTypeTable``).
    public var id: UInt8

    /// Creates an event type from its id.
    @inlinable
    public init(id: UInt8) { self.id = id }

    /// The generator's four types get fixed ids, so the common case needs no table lookup.
    public static let view = EventType(id: 0)
    /// `click`.
    public static let click = EventType(id: 1)
    /// `cart`.
    public static let cart = EventType(id: 2)
    /// `purchase`.
    public static let purchase = EventType(id: 3)

    /// The id itself.
    @inlinable public var stateHash: UInt64 { UInt64(id) }

    public func encode(to encoder: inout StateEncoder) { encoder.writeByte(id) }
    public init(from decoder: inout StateDecoder) throws(StateDecodingError) { id = try decoder.readByte() }
}
