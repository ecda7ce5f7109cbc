/// One registered timer: when, and for which `(key, namespace)`.
@usableFromInline
struct TimerKey<Key: StateHashable, Namespace: StateHashable>: StateHashable {
    @usableFromInline var time: Int64
    @usableFromInline var target: StateKey<Key, Namespace>

    @inlinable
    init(_ time: Int64, _ target: StateKey<Key, Namespace>) {
        self.time = time
        self.target = target
    }

    @inlinable
    var stateHash: UInt64 { StateHash.combine(target.stateHash, UInt64(bitPattern: time)) }
}
