/// Timers of one time domain, coalesced by timestamp.
///
/// A set of registered `(time, key, namespace)` timers answers "already registered?" with one
/// cheap-hash probe; per distinct timestamp, a pending bucket lists its targets in
/// registration order, and a min-heap orders the distinct timestamps. So a million keys with
/// hourly windows cost 24 heap entries a day, not a million. Deleting a timer only removes it
/// from the set (and drops the bucket once none of its timers is left); stale list entries are
/// skipped when the bucket fires. Storage is copy-on-write, so queues keep value semantics.
public struct TimerQueue<Key: StateHashable & StateCodable, Namespace: StateHashable & StateCodable> {
    @usableFromInline typealias Target = StateKey<Key, Namespace>

    /// The targets listed for one timestamp, and how many of them are still registered. The
    /// first is inline: session-style timestamps mostly have one target, and allocate nothing.
    @usableFromInline
    struct PendingBucket {
        @usableFromInline var first: Target
        @usableFromInline var more: [Target] = []
        @usableFromInline var live = 1

        @inlinable
        init(_ target: Target) { first = target }

        @inlinable
        func forEach(_ body: (Target) throws -> Void) rethrows {
            try body(first)
            for target in more { try body(target) }
        }
    }

    @usableFromInline
    final class Storage {
        @usableFromInline let timers: StateHashMap<TimerKey<Key, Namespace>, Void>
        @usableFromInline let buckets: StateHashMap<Int64, PendingBucket>

        @usableFromInline
        init() {
            timers = StateHashMap()
            buckets = StateHashMap()
        }

        init(timers: consuming StateHashMap<TimerKey<Key, Namespace>, Void>, buckets: consuming StateHashMap<Int64, PendingBucket>) {
            self.timers = timers
            self.buckets = buckets
        }

        @usableFromInline
        func copy() -> Storage {
            Storage(timers: timers.copy(), buckets: buckets.copy())
        }
    }

    @usableFromInline var heap = TimestampHeap()
    @usableFromInline var storage = Storage()

    /// Creates an empty queue.
    public init() {}

    @inlinable
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// Registers a timer; registering the same `(time, key, namespace)` twice is a no-op.
    @inlinable
    public mutating func register(_ time: Int64, key: Key, namespace: Namespace) {
        let target = StateKey(key, namespace)
        let timer = TimerKey(time, target)
        let hash = StateHashMap<TimerKey<Key, Namespace>, Void>.hash(timer)
        guard storage.timers.slot(forKey: timer, hash: hash) == nil else { return }
        makeUnique()
        storage.timers.insertNew(timer, hash: hash, ())
        let bucketHash = StateHashMap<Int64, PendingBucket>.hash(time)
        if let slot = storage.buckets.slot(forKey: time, hash: bucketHash) {
            storage.buckets.withValue(atSlot: slot) { bucket in
                bucket.more.append(target)
                bucket.live &+= 1
            }
        } else {
            storage.buckets.insertNew(time, hash: bucketHash, PendingBucket(target))
            heap.push(time)
        }
    }

    /// Deletes a timer if registered.
    @inlinable
    public mutating func delete(_ time: Int64, key: Key, namespace: Namespace) {
        // The small bucket map first: a timer that already fired (a window cleared after
        // firing) has no bucket, and that answer costs no probe into the large timer set.
        guard storage.buckets.slot(forKey: time) != nil else { return }
        let timer = TimerKey(time, StateKey(key, namespace))
        guard storage.timers.slot(forKey: timer) != nil else { return }
        makeUnique()
        storage.timers.removeValue(forKey: timer)
        guard let slot = storage.buckets.slot(forKey: time) else { return }
        let isEmpty = storage.buckets.withValue(atSlot: slot) { bucket in
            bucket.live &-= 1
            return bucket.live == 0
        }
        // The heap entry stays and is skipped when it surfaces.
        if isEmpty { storage.buckets.remove(atSlot: slot) }
    }

    /// Removes and returns the earliest bucket due at or before `time`.
    @inlinable
    public mutating func popDue(atOrBefore time: Int64) -> (time: Int64, bucket: TimerBucket<Key, Namespace>)? {
        while let next = heap.minimum, next <= time {
            heap.popMinimum()
            // A missing bucket means its timers were deleted (or already fired): skip.
            guard storage.buckets.slot(forKey: next) != nil else { continue }
            makeUnique()
            guard let pending = storage.buckets.removeValue(forKey: next) else { continue }
            let storage = self.storage
            // Keep each still-registered target once; deleted (or repeated) entries drop out.
            var targets: [Target] = []
            targets.reserveCapacity(pending.live)
            pending.forEach { target in
                if storage.timers.removeValue(forKey: TimerKey(next, target)) != nil { targets.append(target) }
            }
            return (next, TimerBucket(targets: targets))
        }
        return nil
    }

    /// The earliest registered timestamp, if any.
    public var nextTime: Int64? {
        var copy = heap
        while let next = copy.minimum {
            if storage.buckets.slot(forKey: next) != nil { return next }
            copy.popMinimum()
        }
        return nil
    }

    /// Number of registered timers.
    public var count: Int { storage.timers.count }

    /// Distinct timestamps with timers.
    public var distinctTimestamps: Int { storage.buckets.count }

    /// The registered targets at `time`, each once.
    func registeredTargets(at time: Int64, listed: PendingBucket) -> [Target] {
        let seen = StateHashMap<Target, Void>()
        var targets: [Target] = []
        listed.forEach { target in
            if storage.timers.slot(forKey: TimerKey(time, target)) != nil, seen.slot(forKey: target) == nil {
                seen.put(target, ())
                targets.append(target)
            }
        }
        return targets
    }

    func encode(to encoder: inout StateEncoder) {
        encoder.writeVarUInt(UInt64(storage.buckets.count))
        storage.buckets.forEach { time, bucket in
            let targets = registeredTargets(at: time, listed: bucket)
            encoder.writeVarInt(time)
            encoder.writeVarUInt(UInt64(targets.count))
            for target in targets {
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
