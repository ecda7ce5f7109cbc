/// The namespace of state that is scoped to a key only (not to a window).
public struct VoidNamespace: StateHashable, Sendable, StateCodable {
    /// The only value.
    public init() {}
    @inlinable public var stateHash: UInt64 { 0 }
    public func encode(to encoder: inout StateEncoder) {}
    public init(from decoder: inout StateDecoder) throws(StateDecodingError) {}
}
