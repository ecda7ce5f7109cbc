/// Type-erased view of a state table, used only at snapshot/restore/metrics time.
///
/// The per-event path always goes through the typed ``StateTable`` subclass.
public class AnyStateTable<Key: StateHashable & StateCodable> {
    /// The descriptor name; snapshots match tables by it.
    public let name: String

    init(name: String) { self.name = name }

    /// Number of entries, counting elements inside map and list values.
    public var entryCount: Int { 0 }

    func encodeEntries(to encoder: inout StateEncoder) {}

    func restoreEntries(from decoder: inout StateDecoder, keyFilter: (Key) -> Bool) throws(StateDecodingError) {}

    func collectKeys(into keys: inout Set<Key>) {}

    func clearEntries() {}
}

/// All entries of one keyed state: `(key, namespace) → value`.
///
/// A class so that state handles and the store share one table. Entries live in a
/// ``StateHashMap`` keyed by the compact ``StateKey`` struct, so a lookup is one cheap hash
/// and a probe; operators edit values in place with ``withValue(_:_:default:_:)``.
public final class StateTable<Key: StateHashable & StateCodable, Namespace: StateHashable & StateCodable, Value: StateCodable>: AnyStateTable<Key> {
    /// The entries.
    public let entries = StateHashMap<StateKey<Key, Namespace>, Value>()
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
        entries.put(StateKey(key, namespace), value)
    }

    /// Removes and returns the value for `key` in `namespace`.
    @inlinable
    @discardableResult
    public func remove(_ key: Key, _ namespace: Namespace) -> Value? {
        entries.removeValue(forKey: StateKey(key, namespace))
    }

    /// Edits the value for `key` in `namespace` in place, creating it with `makeDefault()`
    /// first if absent. `body` must not use this table.
    @inlinable
    public func withValue<Result>(
        _ key: Key, _ namespace: Namespace, default makeDefault: () -> Value, _ body: (inout Value) throws -> Result
    ) rethrows -> Result {
        try entries.withValue(forKey: StateKey(key, namespace), default: makeDefault, body)
    }

    /// Removes every entry (keeping capacity).
    public func removeAll() { entries.removeAll() }

    public override var entryCount: Int {
        guard let countElements else { return entries.count }
        var total = 0
        entries.forEach { _, value in total += countElements(value) }
        return total
    }

    override func encodeEntries(to encoder: inout StateEncoder) {
        encoder.writeVarUInt(UInt64(entries.count))
        entries.forEach { stateKey, value in
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
            if keyFilter(key) { entries.put(StateKey(key, namespace), value) }
        }
    }

    override func collectKeys(into keys: inout Set<Key>) {
        entries.forEach { stateKey, _ in keys.insert(stateKey.key) }
    }

    override func clearEntries() { entries.removeAll() }
}
