/// The timer targets due at one timestamp, as ``TimerQueue/popDue(atOrBefore:)`` hands them
/// out: each registered `(key, namespace)` once.
public struct TimerBucket<Key: StateHashable, Namespace: StateHashable> {
    @usableFromInline var targets: [StateKey<Key, Namespace>]

    @inlinable
    init(targets: [StateKey<Key, Namespace>]) { self.targets = targets }

    /// Whether no target is left.
    @inlinable
    public var isEmpty: Bool { targets.isEmpty }

    /// Number of targets.
    public var count: Int { targets.count }

    /// Calls `body` for every target, in registration order.
    @inlinable
    public func forEach(_ body: (StateKey<Key, Namespace>) throws -> Void) rethrows {
        for target in targets { try body(target) }
    }
}
