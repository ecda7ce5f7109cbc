/// Names a list-valued keyed state (Flink's `ListStateDescriptor`).
public struct ListStateDescriptor<Element: StateCodable>: Sendable {
    /// Unique name within the operator.
    public let name: String

    /// Creates a descriptor.
    public init(_ name: String) { self.name = name }
}

/// An append-mostly list per key, scoped to the operator's current key.
public struct ListState<Key: StateHashable & StateCodable, Element: StateCodable> {
    @usableFromInline let store: KeyedStateStore<Key>
    @usableFromInline let table: StateTable<Key, VoidNamespace, [Element]>

    init(store: KeyedStateStore<Key>, table: StateTable<Key, VoidNamespace, [Element]>) {
        self.store = store
        self.table = table
    }

    /// Appends to the current key's list (in place, no copy of the list).
    @inlinable
    public func add(_ element: Element) {
        table.withValue(store.requireCurrentKey, VoidNamespace(), default: { [] }) { $0.append(element) }
    }

    /// The current key's list, empty if none.
    @inlinable
    public var elements: [Element] { table.get(store.requireCurrentKey, VoidNamespace()) ?? [] }

    /// Replaces the current key's list; an empty list clears it.
    @inlinable
    public func update(_ elements: [Element]) {
        if elements.isEmpty { clear() } else { table.put(store.requireCurrentKey, VoidNamespace(), elements) }
    }

    /// Removes the current key's list.
    @inlinable
    public func clear() { table.remove(store.requireCurrentKey, VoidNamespace()) }
}
