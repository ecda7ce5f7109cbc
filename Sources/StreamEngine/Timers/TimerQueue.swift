/// Timers of one time domain, coalesced by timestamp.
///
/// One heap entry per distinct timestamp and one bucket (a set of `(key, namespace)`) per
/// timestamp, so a million keys with hourly windows cost 24 heap entries a day, not a million.
/// Deleting a timer only edits its bucket; the heap entry is dropped lazily when it surfaces.
public struct TimerQueue<Key: Hashable & StateCodable, Namespace: Hashable & StateCodable> {
    @usableFromInline var heap = TimestampHeap()
    @usableFromInline var buckets: [Int64: TimerBucket<Key, Namespace>] = [:]

    /// Creates an empty queue.
    public init() {}

    /// Registers a timer; registering the same `(time, key, namespace)` twice is a no-op.
    @inlinable
    public mutating func register(_ time: Int64, key: Key, namespace: Namespace) {
        let target = StateKey(key, namespace)
        if buckets[time]?.insert(target) == nil {
            buckets[time] = TimerBucket(target)
            heap.push(time)
        }
    }

    /// Deletes a timer if registered.
    @inlinable
    public mutating func delete(_ time: Int64, key: Key, namespace: Namespace) {
        let target = StateKey(key, namespace)
        guard let index = buckets.index(forKey: time) else { return }
        buckets.values[index].remove(target)
        if buckets.values[index].isEmpty { buckets.remove(at: index) }
    }

    /// Removes and returns the earliest bucket due at or before `time`.
    @inlinable
    public mutating func popDue(atOrBefore time: Int64) -> (time: Int64, bucket: TimerBucket<Key, Namespace>)? {
        while let next = heap.minimum, next <= time {
            heap.popMinimum()
            // A missing bucket means its timers were deleted (or already fired): skip.
            if let bucket = buckets.removeValue(forKey: next) { return (next, bucket) }
        }
        return nil
    }

    /// The earliest registered timestamp, if any.
    public var nextTime: Int64? {
        var copy = heap
        while let next = copy.minimum {
            if buckets[next] != nil { return next }
            copy.popMinimum()
        }
        return nil
    }

    /// Number of registered timers.
    public var count: Int { buckets.values.reduce(0) { $0 + $1.count } }

    /// Distinct timestamps with timers.
    public var distinctTimestamps: Int { buckets.count }

    func encode(to encoder: inout StateEncoder) {
        encoder.writeVarUInt(UInt64(buckets.count))
        for (time, bucket) in buckets {
            encoder.writeVarInt(time)
            encoder.writeVarUInt(UInt64(bucket.count))
            bucket.forEach { target in
                target.key.encode(to: &encoder)
                target.namespace.encode(to: &encoder)
            }
        }
    }

    mutating func restore(from decoder: inout StateDecoder, keyFilter: (Key) -> Bool) throws(StateDecodingError) {
        let bucketCount = try decoder.readCount()
        for _ in 0..<bucketCount {
            let time = try decoder.readVarInt()
            let count = try decoder.readCount()
            for _ in 0..<count {
                let key = try Key(from: &decoder)
                let namespace = try Namespace(from: &decoder)
                if keyFilter(key) { register(time, key: key, namespace: namespace) }
            }
        }
    }
}
