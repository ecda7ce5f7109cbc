import StreamEngine

/// The owned partitions' profile timers, one StreamEngine ``TimerQueue`` per input partition
/// (the engine's timer queue, not a second one): seeded from Redis's timer sets when partitions
/// are taken, then kept exact as held profiles change: a timer that moves is deleted and
/// registered again, so nothing stale is ever popped.
struct ProfileTimers {
    private var queues: [Int32: TimerQueue<String, VoidNamespace>] = [:]

    /// Moves `userId`'s timer from `previous` to `next` (either may be absent).
    mutating func move(partition: Int32, userId: String, from previous: Int64?, to next: Int64?) {
        guard previous != next else { return }
        if let previous { queues[partition]?.delete(previous, key: userId, namespace: VoidNamespace()) }
        if let next { queues[partition, default: TimerQueue()].register(next, key: userId, namespace: VoidNamespace()) }
    }

    /// Removes and returns about `limit` users (whole timestamps, the last one split) whose timer
    /// is due at or before `watermark`, earliest first.
    mutating func popDue(partition: Int32, upTo watermark: Int64, limit: Int) -> [(userId: String, timeMs: Int64)] {
        guard var queue = queues.removeValue(forKey: partition) else { return [] }
        defer { queues[partition] = queue }
        var due: [(userId: String, timeMs: Int64)] = []
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
