/// An open-addressing hash map keyed by ``StateHashable`` values: the storage behind
/// ``StateTable`` and the timer buckets.
///
/// Why not `Dictionary`: its SipHash and per-access checks dominated the per-event cost.
/// Here a key costs one ``StateHash/finalize(_:)`` and a linear probe over a flat array of
/// stored hashes (0 marks an empty slot), and deletion shifts the cluster back, so there are
/// no tombstones. Slots are indexed by the hash's top bits, so iteration follows hash order.
///
/// Noncopyable, so it has one owner (a ``StateTable``, a timer queue) and borrowing it costs no
/// reference counting. The layout lives behind a pointer that never changes, so every method
/// is non-mutating and the per-access path needs no exclusivity check; callers must not touch
/// the map re-entrantly from inside ``withValue(forKey:hash:default:_:)`` or
/// ``withValue(atSlot:_:)`` closures.
public struct StateHashMap<Key: StateHashable, Value>: ~Copyable {
    @usableFromInline
    struct Layout {
        @usableFromInline var hashes: UnsafeMutablePointer<UInt64>
        @usableFromInline var keys: UnsafeMutablePointer<Key>
        @usableFromInline var values: UnsafeMutablePointer<Value>
        /// Slots; a power of two.
        @usableFromInline var capacity: Int
        /// `64 - log2(capacity)`: a hash's home slot is `hash >> shift`.
        @usableFromInline var shift: UInt64
        @usableFromInline var count: Int

        @usableFromInline
        init(capacity: Int) {
            self.capacity = capacity
            shift = UInt64(64 - capacity.trailingZeroBitCount)
            count = 0
            hashes = .allocate(capacity: capacity)
            hashes.initialize(repeating: 0, count: capacity)
            keys = .allocate(capacity: capacity)
            values = .allocate(capacity: capacity)
        }
    }

    @usableFromInline let layout: UnsafeMutablePointer<Layout>

    /// Creates an empty map with room for about `minimumCapacity` entries before growing.
    public init(minimumCapacity: Int = 0) {
        layout = .allocate(capacity: 1)
        layout.initialize(to: Layout(capacity: Self.slots(for: minimumCapacity)))
    }

    deinit {
        destroyEntries()
        layout.pointee.hashes.deallocate()
        layout.pointee.keys.deallocate()
        layout.pointee.values.deallocate()
        layout.deinitialize(count: 1)
        layout.deallocate()
    }

    /// Slots for `entries` at a load factor of at most 3/4.
    static func slots(for entries: Int) -> Int {
        var slots = 16
        while slots * 3 < entries * 4 { slots *= 2 }
        return slots
    }

    /// Number of entries.
    @inlinable
    public var count: Int { layout.pointee.count }

    /// Whether the map is empty.
    @inlinable
    public var isEmpty: Bool { layout.pointee.count == 0 }

    /// The stored (mixed, never zero) hash of `key`.
    @inlinable @inline(__always)
    public static func hash(_ key: Key) -> UInt64 {
        StateHash.finalize(key.stateHash) | 1
    }

    /// The slot holding `key`, if present; `hash` must be ``hash(_:)`` of `key`.
    @inlinable
    public func slot(forKey key: Key, hash: UInt64) -> Int? {
        let hashes = layout.pointee.hashes
        let keys = layout.pointee.keys
        let mask = layout.pointee.capacity &- 1
        var slot = Int(truncatingIfNeeded: hash >> layout.pointee.shift)
        while true {
            let stored = hashes[slot]
            if stored == 0 { return nil }
            if stored == hash, keys[slot] == key { return slot }
            slot = (slot &+ 1) & mask
        }
    }

    /// The slot holding `key`, if present.
    @inlinable
    public func slot(forKey key: Key) -> Int? { slot(forKey: key, hash: Self.hash(key)) }

    /// The value for `key`, if present.
    @inlinable
    public subscript(key: Key) -> Value? {
        guard let slot = slot(forKey: key) else { return nil }
        return layout.pointee.values[slot]
    }

    /// The key in an occupied `slot`.
    @inlinable
    public func key(atSlot slot: Int) -> Key { layout.pointee.keys[slot] }

    /// The value in an occupied `slot`.
    @inlinable
    public func value(atSlot slot: Int) -> Value { layout.pointee.values[slot] }

    /// Edits the value in an occupied `slot` in place.
    @inlinable
    public func withValue<Result>(atSlot slot: Int, _ body: (inout Value) throws -> Result) rethrows -> Result {
        try body(&layout.pointee.values[slot])
    }

    /// Edits the value of `key` in place, inserting `makeDefault()` first if absent.
    @inlinable
    public func withValue<Result>(
        forKey key: Key, hash: UInt64, default makeDefault: () -> Value, _ body: (inout Value) throws -> Result
    ) rethrows -> Result {
        let slot = findOrInsert(key, hash: hash, makeDefault)
        return try body(&layout.pointee.values[slot])
    }

    /// Edits the value of `key` in place, inserting `makeDefault()` first if absent.
    @inlinable
    public func withValue<Result>(
        forKey key: Key, default makeDefault: () -> Value, _ body: (inout Value) throws -> Result
    ) rethrows -> Result {
        try withValue(forKey: key, hash: Self.hash(key), default: makeDefault, body)
    }

    /// Stores `value` under `key`, replacing any previous value.
    @inlinable
    public func put(_ key: Key, _ value: Value) {
        let hash = Self.hash(key)
        if let slot = slot(forKey: key, hash: hash) {
            layout.pointee.values[slot] = value
        } else {
            insertNew(key, hash: hash, value)
        }
    }

    /// Inserts `key` (known absent) with `value`; returns its slot.
    @inlinable
    @discardableResult
    public func insertNew(_ key: Key, hash: UInt64, _ value: Value) -> Int {
        if (layout.pointee.count &+ 1) &* 4 > layout.pointee.capacity &* 3 { grow() }
        let hashes = layout.pointee.hashes
        let mask = layout.pointee.capacity &- 1
        var slot = Int(truncatingIfNeeded: hash >> layout.pointee.shift)
        while hashes[slot] != 0 { slot = (slot &+ 1) & mask }
        hashes[slot] = hash
        (layout.pointee.keys + slot).initialize(to: key)
        (layout.pointee.values + slot).initialize(to: value)
        layout.pointee.count &+= 1
        return slot
    }

    /// The slot of `key`, inserting `makeDefault()` if absent.
    @inlinable
    func findOrInsert(_ key: Key, hash: UInt64, _ makeDefault: () -> Value) -> Int {
        if let slot = slot(forKey: key, hash: hash) { return slot }
        return insertNew(key, hash: hash, makeDefault())
    }

    /// Removes and returns the value of `key`, if present.
    @inlinable
    @discardableResult
    public func removeValue(forKey key: Key) -> Value? {
        guard let slot = slot(forKey: key) else { return nil }
        return remove(atSlot: slot)
    }

    /// Removes the entry in an occupied `slot` and returns its value. Later entries of the
    /// probe run move back, so slots after `slot` may change.
    @inlinable
    @discardableResult
    public func remove(atSlot slot: Int) -> Value {
        let hashes = layout.pointee.hashes
        let keys = layout.pointee.keys
        let values = layout.pointee.values
        let shift = layout.pointee.shift
        let mask = layout.pointee.capacity &- 1
        (keys + slot).deinitialize(count: 1)
        let removed = (values + slot).move()
        // Backward-shift deletion (Knuth's algorithm R): an entry after the hole moves into it
        // unless its home slot lies cyclically in (hole, entry].
        var hole = slot
        var next = slot
        while true {
            next = (next &+ 1) & mask
            let stored = hashes[next]
            if stored == 0 { break }
            let home = Int(truncatingIfNeeded: stored >> shift)
            let stays = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next)
            if stays { continue }
            hashes[hole] = stored
            (keys + hole).moveInitialize(from: keys + next, count: 1)
            (values + hole).moveInitialize(from: values + next, count: 1)
            hole = next
        }
        hashes[hole] = 0
        layout.pointee.count &-= 1
        return removed
    }

    /// Removes every entry, keeping the capacity.
    public func removeAll() {
        destroyEntries()
        layout.pointee.count = 0
    }

    /// Calls `body` with every key and value, in slot order. `body` must not modify the map.
    @inlinable
    public func forEach(_ body: (Key, Value) throws -> Void) rethrows {
        let hashes = layout.pointee.hashes
        let keys = layout.pointee.keys
        let values = layout.pointee.values
        for slot in 0..<layout.pointee.capacity where hashes[slot] != 0 {
            try body(keys[slot], values[slot])
        }
    }

    /// An independent copy (for value types built on the map).
    public func copy() -> StateHashMap {
        let copy = StateHashMap(minimumCapacity: count)
        forEach { key, value in copy.insertNew(key, hash: Self.hash(key), value) }
        return copy
    }

    /// Doubles the slots and reinserts every entry (moved, not copied; hashes are stored).
    @usableFromInline
    func grow() {
        let old = layout.pointee
        var new = Layout(capacity: old.capacity * 2)
        let mask = new.capacity - 1
        for slot in 0..<old.capacity where old.hashes[slot] != 0 {
            let hash = old.hashes[slot]
            var target = Int(truncatingIfNeeded: hash >> new.shift)
            while new.hashes[target] != 0 { target = (target &+ 1) & mask }
            new.hashes[target] = hash
            (new.keys + target).moveInitialize(from: old.keys + slot, count: 1)
            (new.values + target).moveInitialize(from: old.values + slot, count: 1)
        }
        new.count = old.count
        old.hashes.deallocate()
        old.keys.deallocate()
        old.values.deallocate()
        layout.pointee = new
    }

    func destroyEntries() {
        let state = layout.pointee
        for slot in 0..<state.capacity where state.hashes[slot] != 0 {
            (state.keys + slot).deinitialize(count: 1)
            (state.values + slot).deinitialize(count: 1)
            state.hashes[slot] = 0
        }
    }
}
