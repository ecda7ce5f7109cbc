/// The namespace of state that is scoped to a key only (not to a window).
public struct VoidNamespace: Hashable, Sendable, StateCodable {
    /// The only value.
    public init() {}
    public func encode(to encoder: inout StateEncoder) {}
    public init(from decoder: inout StateDecoder) throws(StateDecodingError) {}
}
