/// Names a keyed state that folds added values with a reduce function.
public struct ReducingStateDescriptor<Value: StateCodable>: Sendable {
    /// Unique name within the operator.
    public let name: String
    /// Combines the stored value with a new one; must be associative.
    public let reduce: @Sendable (Value, Value) -> Value

    /// Creates a descriptor.
    public init(_ name: String, reduce: @escaping @Sendable (Value, Value) -> Value) {
        self.name = name
        self.reduce = reduce
    }
}

/// One reduced value per key, scoped to the operator's current key.
public struct ReducingState<Key: StateHashable & StateCodable, Value: StateCodable> {
    @usableFromInline let store: KeyedStateStore<Key>
    @usableFromInline let table: StateTable<Key, VoidNamespace, Value>
    @usableFromInline let reduce: @Sendable (Value, Value) -> Value

    init(store: KeyedStateStore<Key>, table: StateTable<Key, VoidNamespace, Value>, reduce: @escaping @Sendable (Value, Value) -> Value) {
        self.store = store
        self.table = table
        self.reduce = reduce
    }

    /// Folds `value` into the current key's value.
    @inlinable
    public func add(_ value: Value) {
        let stateKey = StateKey(store.requireCurrentKey, VoidNamespace())
        if let slot = table.entries.slot(forKey: stateKey) {
            table.entries.withValue(atSlot: slot) { $0 = reduce($0, value) }
        } else {
            table.entries.put(stateKey, value)
        }
    }

    /// The current key's reduced value, if any value was added.
    @inlinable
    public var value: Value? { table.get(store.requireCurrentKey, VoidNamespace()) }

    /// Removes the current key's value.
    @inlinable
    public func clear() { table.remove(store.requireCurrentKey, VoidNamespace()) }
}
