/// Keyed state held in memory in front of a store that outlives the process (Redis beside the
/// profile, for the profile job): values are loaded lazily the first time their key is touched,
/// changed in place, and written back as dirty keys at each checkpoint; clean values are evicted
/// to bound memory and loaded again when next touched. So a new owner of a key group starts at
/// once, with no whole-store snapshot to restore (docs/ENGINE.md, "Live keyed jobs").
///
/// Each value belongs to a key group (the unit that moves between owners: a Kafka partition).
public struct HeldKeyedState<Key: Hashable, Value> {
    /// A held value and what the next checkpoint must know of it.
    public struct Entry {
        public var value: Value
        public var keyGroup: Int32
        /// Changed since the last checkpoint took it.
        public internal(set) var isDirty: Bool
        /// About how many bytes the value takes, as the job last measured it.
        public var footprint: Int { measured }
        @usableFromInline var measured: Int

        @usableFromInline init(value: Value, keyGroup: Int32, footprint: Int) {
            self.value = value
            self.keyGroup = keyGroup
            measured = footprint
            isDirty = false
        }

        @usableFromInline mutating func markDirty() { isDirty = true }
        @usableFromInline mutating func markClean() { isDirty = false }
    }

    @usableFromInline var entries: [Key: Entry] = [:]
    /// Keys that became dirty since the last checkpoint, in that order (a key may have left the
    /// table since: a refused write or a reset drops it).
    @usableFromInline var dirtyKeys: [Key] = []
    /// The values' footprints summed.
    @usableFromInline var heldBytes = 0

    public init() {}

    /// Keys held.
    @inlinable public var count: Int { entries.count }
    /// About how many bytes the held values take (their footprints, as measured).
    @inlinable public var bytes: Int { heldBytes }
    /// Keys changed since the last checkpoint (an upper bound: some may have left).
    @inlinable public var dirtyCount: Int { dirtyKeys.count }

    @inlinable public func contains(_ key: Key) -> Bool { entries.index(forKey: key) != nil }  // `entries[key]` would copy the entry out
    @inlinable public subscript(key: Key) -> Entry? { entries[key] }

    /// Holds `value` for `key` as it is stored (clean), unless the key is held already.
    @inlinable public mutating func hold(_ key: Key, value: Value, keyGroup: Int32, footprint: Int = 0) {
        guard entries.index(forKey: key) == nil else { return }
        entries[key] = Entry(value: value, keyGroup: keyGroup, footprint: footprint)
        heldBytes += footprint
    }

    /// Lets `change` change the held value of `key` in place (given whether it is dirty
    /// already, and its key group); a change (`true`) marks it dirty for the next checkpoint
    /// and measures its footprint again with `measure` (if given: bytes are bounded).
    /// Returns `nil` when the key is not held, else whether it changed.
    ///
    /// In place in the table: taking an entry out and putting it back costs a deletion, which
    /// re-hashes the run of entries after it.
    @inlinable
    public mutating func update(
        _ key: Key, measure: ((Value) -> Int)? = nil, _ change: (_ value: inout Value, _ isDirty: Bool, _ keyGroup: Int32) -> Bool
    ) -> Bool? {
        guard let index = entries.index(forKey: key) else { return nil }
        var footprintChange = 0
        let (changed, wasDirty) = Self.change(&entries.values[index], measure: measure, footprintChange: &footprintChange, change)
        guard changed else { return false }
        heldBytes += footprintChange
        if !wasDirty { dirtyKeys.append(key) }
        return true
    }

    /// What `read` makes of `key`'s held value, read in place (`self[key]` copies the entry,
    /// retaining everything the value holds); `nil` when the key is not held.
    @inlinable
    public mutating func read<Result>(_ key: Key, _ read: (_ value: inout Value) -> Result) -> Result? {
        guard let index = entries.index(forKey: key) else { return nil }
        return read(&entries.values[index].value)
    }

    /// One in-place access to an entry: reading a field through `entries.values[index]` copied
    /// the whole entry out (retaining everything the value holds) and released it again.
    @inlinable
    static func change(
        _ entry: inout Entry, measure: ((Value) -> Int)?, footprintChange: inout Int,
        _ change: (_ value: inout Value, _ isDirty: Bool, _ keyGroup: Int32) -> Bool
    ) -> (changed: Bool, wasDirty: Bool) {
        let (wasDirty, keyGroup) = (entry.isDirty, entry.keyGroup)
        guard change(&entry.value, wasDirty, keyGroup) else { return (false, wasDirty) }
        if let measure {
            let footprint = measure(entry.value)
            footprintChange = footprint - entry.measured
            entry.measured = footprint
        }
        if !wasDirty { entry.markDirty() }
        return (true, wasDirty)
    }

    /// Takes every dirty value for a checkpoint, in the order they became dirty: `take` sees
    /// each (and may mark it written in place); afterwards it is clean.
    @inlinable public mutating func takeDirty(_ take: (_ key: Key, _ entry: inout Entry) -> Void) {
        for key in dirtyKeys {
            guard let index = entries.index(forKey: key) else { continue }
            Self.takeIfDirty(key, &entries.values[index], take)
        }
        dirtyKeys.removeAll(keepingCapacity: true)
    }

    @inlinable
    static func takeIfDirty(_ key: Key, _ entry: inout Entry, _ take: (_ key: Key, _ entry: inout Entry) -> Void) {
        guard entry.isDirty else { return }
        take(key, &entry)
        entry.markClean()
    }

    /// Forgets every key of `keyGroups` (their writes were refused: whoever owns them now has
    /// them).
    public mutating func removeAll(inKeyGroups keyGroups: Set<Int32>) {
        entries = entries.filter { !keyGroups.contains($0.value.keyGroup) }
        heldBytes = entries.values.reduce(0) { $0 + $1.footprint }
    }

    /// Forgets everything, dirty values included (they are read again from the source).
    @inlinable public mutating func removeAll() {
        entries.removeAll()
        dirtyKeys.removeAll()
        heldBytes = 0
    }

    /// Bounds memory: drops clean values until at most `limit` are held and they take at most
    /// `byteLimit` bytes (dirty ones stay).
    ///
    /// The table is rebuilt rather than thinned: deleting the first entries in bucket order
    /// leaves one long run of occupied buckets behind, and with 1M keys a lookup that missed
    /// then probed for ~40 µs instead of ~40 ns.
    @inlinable public mutating func evictClean(downTo limit: Int, bytes byteLimit: Int = .max) {
        guard entries.count > limit || heldBytes > byteLimit else { return }
        var (count, bytes) = (entries.count, heldBytes)
        entries = entries.filter { entry in
            guard !entry.value.isDirty, count > limit || bytes > byteLimit else { return true }
            count -= 1
            bytes -= entry.value.footprint
            return false
        }
        heldBytes = bytes
    }
}
