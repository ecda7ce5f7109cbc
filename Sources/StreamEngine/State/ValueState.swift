/// Names a single-value keyed state (Flink's `ValueStateDescriptor`).
public struct ValueStateDescriptor<Value: StateCodable & Sendable>: Sendable {
    /// Unique name within the operator; snapshots match state by it.
    public let name: String
    /// Returned by ``ValueState/value`` for keys without a value. Default: `nil`.
    public let defaultValue: Value?

    /// Creates a descriptor.
    public init(_ name: String, defaultValue: Value? = nil) {
        self.name = name
        self.defaultValue = defaultValue
    }
}

/// One value per key, scoped to the operator's current key.
public struct ValueState<Key: StateHashable & StateCodable, Value: StateCodable> {
    @usableFromInline let store: KeyedStateStore<Key>
    @usableFromInline let table: StateTable<Key, VoidNamespace, Value>
    @usableFromInline let defaultValue: Value?

    init(store: KeyedStateStore<Key>, table: StateTable<Key, VoidNamespace, Value>, defaultValue: Value?) {
        self.store = store
        self.table = table
        self.defaultValue = defaultValue
    }

    /// The current key's value (or the descriptor's default); setting `nil` clears it.
    @inlinable
    public var value: Value? {
        get { table.get(store.requireCurrentKey, VoidNamespace()) ?? defaultValue }
        nonmutating set {
            if let newValue { table.put(store.requireCurrentKey, VoidNamespace(), newValue) }
            else { table.remove(store.requireCurrentKey, VoidNamespace()) }
        }
    }

    /// Removes the current key's value.
    @inlinable
    public func clear() { table.remove(store.requireCurrentKey, VoidNamespace()) }
}
