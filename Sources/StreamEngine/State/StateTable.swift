/// Type-erased view of a state table, used only at snapshot/restore/metrics time.
///
/// The per-event path always goes through the typed ``StateTable`` subclass.
public class AnyStateTable<Key: Hashable & StateCodable> {
    /// The descriptor name; snapshots match tables by it.
    public let name: String

    init(name: String) { self.name = name }

    /// Number of entries, counting elements inside map and list values.
    public var entryCount: Int { 0 }

    func encodeEntries(to encoder: inout StateEncoder) {}

    func restoreEntries(from decoder: inout StateDecoder, keyFilter: (Key) -> Bool) throws(StateDecodingError) {}

    func collectKeys(into keys: inout Set<Key>) {}
}

/// All entries of one keyed state: `(key, namespace) → value`.
///
/// A class so that state handles and the store share one table; the dictionary is keyed by a
/// compact ``StateKey`` struct so lookups hash inline without allocating.
public final class StateTable<Key: Hashable & StateCodable, Namespace: Hashable & StateCodable, Value: StateCodable>: AnyStateTable<Key> {
    /// The entries. Operators mutate values in place through the dictionary's `_modify`.
    public var entries: [StateKey<Key, Namespace>: Value] = [:]
    @usableFromInline let countElements: ((Value) -> Int)?

    init(name: String, countElements: ((Value) -> Int)? = nil) {
        self.countElements = countElements
        super.init(name: name)
    }

    /// The value for `key` in `namespace`, if any.
    @inlinable
    public func get(_ key: Key, _ namespace: Namespace) -> Value? {
        entries[StateKey(key, namespace)]
    }

    /// Stores `value` for `key` in `namespace`.
    @inlinable
    public func put(_ key: Key, _ namespace: Namespace, _ value: Value) {
        entries[StateKey(key, namespace)] = value
    }

    /// Removes and returns the value for `key` in `namespace`.
    @inlinable
    @discardableResult
    public func remove(_ key: Key, _ namespace: Namespace) -> Value? {
        entries.removeValue(forKey: StateKey(key, namespace))
    }

    public override var entryCount: Int {
        guard let countElements else { return entries.count }
        return entries.values.reduce(0) { $0 + countElements($1) }
    }

    override func encodeEntries(to encoder: inout StateEncoder) {
        encoder.writeVarUInt(UInt64(entries.count))
        for (stateKey, value) in entries {
            stateKey.key.encode(to: &encoder)
            stateKey.namespace.encode(to: &encoder)
            value.encode(to: &encoder)
        }
    }

    override func restoreEntries(from decoder: inout StateDecoder, keyFilter: (Key) -> Bool) throws(StateDecodingError) {
        let count = try decoder.readCount()
        for _ in 0..<count {
            let key = try Key(from: &decoder)
            let namespace = try Namespace(from: &decoder)
            let value = try Value(from: &decoder)
            if keyFilter(key) { entries[StateKey(key, namespace)] = value }
        }
    }

    override func collectKeys(into keys: inout Set<Key>) {
        for stateKey in entries.keys { keys.insert(stateKey.key) }
    }
}
