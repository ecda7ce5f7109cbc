/// The event-time timers of the owned key groups, one ``TimerQueue`` per key group (so a key
/// group that moves away takes its timers with it), at most one timer per key: a timer that
/// moves is deleted and registered again, so nothing stale is ever popped.
public struct KeyGroupTimers<Key: StateHashable & StateCodable> {
    @usableFromInline var queues: [Int32: TimerQueue<Key, VoidNamespace>] = [:]

    @inlinable public init() {}

    /// Moves `key`'s timer from `previous` to `next` (either may be absent).
    @inlinable public mutating func move(keyGroup: Int32, key: Key, from previous: Int64?, to next: Int64?) {
        guard previous != next else { return }
        if let previous { queues[keyGroup]?.delete(previous, key: key, namespace: VoidNamespace()) }
        if let next { queues[keyGroup, default: TimerQueue()].register(next, key: key, namespace: VoidNamespace()) }
    }

    /// Forgets every timer of `keyGroups`.
    @inlinable public mutating func removeAll(inKeyGroups keyGroups: Set<Int32>) {
        for keyGroup in keyGroups { queues[keyGroup] = nil }
    }

    /// Removes and returns about `limit` keys (whole timestamps, the last one split) whose timer
    /// is due at or before `watermark`, earliest first.
    @inlinable public mutating func popDue(keyGroup: Int32, upTo watermark: Int64, limit: Int) -> [(key: Key, timeMs: Int64)] {
        guard var queue = queues.removeValue(forKey: keyGroup) else { return [] }
        defer { queues[keyGroup] = queue }
        var due: [(key: Key, timeMs: Int64)] = []
        while due.count < limit, let (time, bucket) = queue.popDue(atOrBefore: watermark) {
            bucket.forEach { target in
                if due.count < limit {
                    due.append((target.key, time))
                } else {  // over the limit: back in the queue for the next call
                    queue.register(time, key: target.key, namespace: VoidNamespace())
                }
            }
        }
        return due
    }
}
