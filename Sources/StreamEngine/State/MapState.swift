/// Names a map-valued keyed state (Flink's `MapStateDescriptor`).
public struct MapStateDescriptor<MapKey: Hashable & StateCodable, MapValue: StateCodable>: Sendable {
    /// Unique name within the operator.
    public let name: String

    /// Creates a descriptor.
    public init(_ name: String) { self.name = name }
}

/// A map per key, scoped to the operator's current key.
public struct MapState<Key: StateHashable & StateCodable, MapKey: Hashable & StateCodable, MapValue: StateCodable> {
    @usableFromInline let store: KeyedStateStore<Key>
    @usableFromInline let table: StateTable<Key, VoidNamespace, [MapKey: MapValue]>

    init(store: KeyedStateStore<Key>, table: StateTable<Key, VoidNamespace, [MapKey: MapValue]>) {
        self.store = store
        self.table = table
    }

    /// The value under `mapKey` for the current key; setting `nil` removes it.
    @inlinable
    public subscript(mapKey: MapKey) -> MapValue? {
        get { table.get(store.requireCurrentKey, VoidNamespace())?[mapKey] }
        nonmutating set {
            let stateKey = StateKey(store.requireCurrentKey, VoidNamespace())
            if let newValue {
                table.entries.withValue(forKey: stateKey, default: { [:] }) { $0[mapKey] = newValue }
            } else if let slot = table.entries.slot(forKey: stateKey) {
                let isEmpty = table.entries.withValue(atSlot: slot) { map in
                    map.removeValue(forKey: mapKey)
                    return map.isEmpty
                }
                if isEmpty { table.entries.remove(atSlot: slot) }
            }
        }
    }

    /// All entries of the current key.
    @inlinable
    public var entries: [MapKey: MapValue] { table.get(store.requireCurrentKey, VoidNamespace()) ?? [:] }

    /// Removes every entry of the current key.
    @inlinable
    public func clear() { table.remove(store.requireCurrentKey, VoidNamespace()) }
}
