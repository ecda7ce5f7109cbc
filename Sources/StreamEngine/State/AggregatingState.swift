/// Names a keyed state that keeps an ``AggregateFunction`` accumulator per key.
public struct AggregatingStateDescriptor<Function: AggregateFunction>: Sendable {
    /// Unique name within the operator.
    public let name: String
    /// The aggregate to maintain.
    public let function: Function

    /// Creates a descriptor.
    public init(_ name: String, function: Function) {
        self.name = name
        self.function = function
    }
}

/// One accumulator per key, scoped to the operator's current key.
public struct AggregatingState<Key: StateHashable & StateCodable, Function: AggregateFunction> {
    @usableFromInline let store: KeyedStateStore<Key>
    @usableFromInline let table: StateTable<Key, VoidNamespace, Function.Accumulator>
    @usableFromInline let function: Function

    init(store: KeyedStateStore<Key>, table: StateTable<Key, VoidNamespace, Function.Accumulator>, function: Function) {
        self.store = store
        self.table = table
        self.function = function
    }

    /// Adds `value` (with its event timestamp) to the current key's accumulator, in place.
    @inlinable
    public func add(_ value: Function.Input, timestamp: Int64) {
        table.withValue(store.requireCurrentKey, VoidNamespace(), default: function.createAccumulator) { accumulator in
            function.add(value, timestamp: timestamp, to: &accumulator)
        }
    }

    /// The aggregate of the current key, or `nil` if nothing was added.
    @inlinable
    public var result: Function.Output? {
        table.get(store.requireCurrentKey, VoidNamespace()).map(function.result)
    }

    /// Removes the current key's accumulator.
    @inlinable
    public func clear() { table.remove(store.requireCurrentKey, VoidNamespace()) }
}
