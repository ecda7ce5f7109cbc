/// Names a map-valued keyed state (Flink's `MapStateDescriptor`).
public struct MapStateDescriptor<MapKey: Hashable & StateCodable, MapValue: StateCodable>: Sendable {
    /// Unique name within the operator.
    public let name: String

    /// Creates a descriptor.
    public init(_ name: String) { self.name = name }
}

/// A map per key, scoped to the operator's current key.
public struct MapState<Key: Hashable & StateCodable, MapKey: Hashable & StateCodable, MapValue: StateCodable> {
    @usableFromInline let store: KeyedStateStore<Key>
    @usableFromInline let table: StateTable<Key, VoidNamespace, [MapKey: MapValue]>

    init(store: KeyedStateStore<Key>, table: StateTable<Key, VoidNamespace, [MapKey: MapValue]>) {
        self.store = store
        self.table = table
    }

    /// The value under `mapKey` for the current key; setting `nil` removes it.
    @inlinable
    public subscript(mapKey: MapKey) -> MapValue? {
        get { table.entries[StateKey(store.requireCurrentKey, VoidNamespace())]?[mapKey] }
        nonmutating set {
            let stateKey = StateKey(store.requireCurrentKey, VoidNamespace())
            if let newValue {
                table.entries[stateKey, default: [:]][mapKey] = newValue
            } else if table.entries[stateKey]?.removeValue(forKey: mapKey) != nil, table.entries[stateKey]?.isEmpty == true {
                table.entries.removeValue(forKey: stateKey)
            }
        }
    }

    /// All entries of the current key.
    @inlinable
    public var entries: [MapKey: MapValue] { table.entries[StateKey(store.requireCurrentKey, VoidNamespace())] ?? [:] }

    /// Removes every entry of the current key.
    @inlinable
    public func clear() { table.remove(store.requireCurrentKey, VoidNamespace()) }
}
