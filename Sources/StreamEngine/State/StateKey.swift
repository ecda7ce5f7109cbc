/// The composite key of one state entry: the stream key plus a namespace (e.g. a window).
///
/// A plain struct so tables hash it inline, without boxing.
public struct StateKey<Key: StateHashable, Namespace: StateHashable>: StateHashable {
    /// The stream key (what `keyBy` produced).
    public var key: Key
    /// The namespace within the key, ``VoidNamespace`` for per-key state.
    public var namespace: Namespace

    /// Creates a state key.
    @inlinable
    public init(_ key: Key, _ namespace: Namespace) {
        self.key = key
        self.namespace = namespace
    }

    @inlinable
    public var stateHash: UInt64 { StateHash.combine(key.stateHash, namespace.stateHash) }
}
