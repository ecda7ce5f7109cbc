/// The keyed state of one operator instance (one task): every registered state table plus the
/// key currently being processed.
///
/// Operators set ``currentKey`` before calling user code; state handles (``ValueState`` …)
/// read it, so user code never passes keys around. Snapshots cover every table, so anything
/// kept in state survives a restore.
public final class KeyedStateStore<Key: StateHashable & StateCodable> {
    /// The key of the element or timer being processed.
    public var currentKey: Key?
    @usableFromInline var tables: [AnyStateTable<Key>] = []

    /// Creates an empty store.
    public init() {}

    /// Returns the table registered under `name`, creating it on first use.
    ///
    /// - Precondition: a table of that name, if any, has the same namespace and value types.
    public func table<Namespace: StateHashable & StateCodable, Value: StateCodable>(
        named name: String, namespace: Namespace.Type = Namespace.self, value: Value.Type = Value.self,
        countElements: ((Value) -> Int)? = nil
    ) -> StateTable<Key, Namespace, Value> {
        if let existing = tables.first(where: { $0.name == name }) {
            guard let typed = existing as? StateTable<Key, Namespace, Value> else {
                preconditionFailure("state '\(name)' is already registered with other types")
            }
            return typed
        }
        let table = StateTable<Key, Namespace, Value>(name: name, countElements: countElements)
        tables.append(table)
        return table
    }

    /// The key of the current element; traps when state is used outside a keyed context,
    /// which is a programming error in the operator, not bad input.
    @inlinable
    public var requireCurrentKey: Key {
        guard let key = currentKey else { preconditionFailure("keyed state used outside a keyed context") }
        return key
    }

    /// Registers (or returns) a value state.
    public func state<Value>(_ descriptor: ValueStateDescriptor<Value>) -> ValueState<Key, Value> {
        ValueState(store: self, table: table(named: descriptor.name), defaultValue: descriptor.defaultValue)
    }

    /// Registers (or returns) a map state.
    public func state<MapKey, MapValue>(_ descriptor: MapStateDescriptor<MapKey, MapValue>) -> MapState<Key, MapKey, MapValue> {
        MapState(store: self, table: table(named: descriptor.name, countElements: { $0.count }))
    }

    /// Registers (or returns) a list state.
    public func state<Element>(_ descriptor: ListStateDescriptor<Element>) -> ListState<Key, Element> {
        ListState(store: self, table: table(named: descriptor.name, countElements: { $0.count }))
    }

    /// Registers (or returns) a reducing state.
    public func state<Value>(_ descriptor: ReducingStateDescriptor<Value>) -> ReducingState<Key, Value> {
        ReducingState(store: self, table: table(named: descriptor.name), reduce: descriptor.reduce)
    }

    /// Registers (or returns) an aggregating state.
    public func state<Function: AggregateFunction>(_ descriptor: AggregatingStateDescriptor<Function>) -> AggregatingState<Key, Function> {
        AggregatingState(store: self, table: table(named: descriptor.name), function: descriptor.function)
    }

    /// State size over all tables.
    public var metrics: StateMetrics {
        var keys = Set<Key>()
        var entries = 0
        for table in tables {
            table.collectKeys(into: &keys)
            entries += table.entryCount
        }
        return StateMetrics(keys: keys.count, entries: entries)
    }

    /// Writes every table (name, then entries) to `encoder`.
    public func snapshot(to encoder: inout StateEncoder) {
        encoder.writeVarUInt(UInt64(tables.count))
        for table in tables {
            table.name.encode(to: &encoder)
            table.encodeEntries(to: &encoder)
        }
    }

    /// Restores tables written by ``snapshot(to:)``, keeping only keys that pass `keyFilter`
    /// (so a job restored with another parallelism takes the keys it now owns).
    ///
    /// Tables must have been registered (by the operator's setup) before restoring.
    public func restore(from decoder: inout StateDecoder, keyFilter: (Key) -> Bool) throws(StateDecodingError) {
        let count = try decoder.readCount()
        for _ in 0..<count {
            let name = try String(from: &decoder)
            guard let table = tables.first(where: { $0.name == name }) else {
                throw .incompatible("the snapshot has state '\(name)' that this operator does not register")
            }
            try table.restoreEntries(from: &decoder, keyFilter: keyFilter)
        }
    }
}
