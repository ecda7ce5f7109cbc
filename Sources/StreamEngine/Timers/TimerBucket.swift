/// The timer targets due at one timestamp.
///
/// Most timestamps in session-style workloads have exactly one target, so the first lives
/// inline and only further targets go to a `Set` (which then deduplicates, as Flink does).
public struct TimerBucket<Key: Hashable, Namespace: Hashable> {
    /// The first target, stored inline.
    @usableFromInline var first: StateKey<Key, Namespace>?
    /// Further targets.
    @usableFromInline var others: Set<StateKey<Key, Namespace>> = []

    @inlinable
    init(_ target: StateKey<Key, Namespace>) { first = target }

    /// Whether no target is left.
    @inlinable
    public var isEmpty: Bool { first == nil && others.isEmpty }

    /// Number of targets.
    public var count: Int { (first == nil ? 0 : 1) + others.count }

    /// Adds a target unless present.
    @inlinable
    mutating func insert(_ target: StateKey<Key, Namespace>) {
        if first == nil {
            if !others.contains(target) { first = target }
        } else if first != target {
            others.insert(target)
        }
    }

    /// Removes a target if present.
    @inlinable
    mutating func remove(_ target: StateKey<Key, Namespace>) {
        if first == target { first = nil } else if !others.isEmpty { others.remove(target) }
    }

    /// Calls `body` for every target.
    @inlinable
    public func forEach(_ body: (StateKey<Key, Namespace>) throws -> Void) rethrows {
        if let first { try body(first) }
        for target in others { try body(target) }
    }
}
