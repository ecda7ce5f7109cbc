import TagLang

/// Values by name, kept in name order (`String`'s `<`) in two parallel arrays: what a profile
/// holds per category (attributes, metric values, tags, model outputs, metric states).
///
/// Why not a dictionary: the evaluator produces metrics and tags in an order fixed by the
/// definition set, so a table is built by appending, with no hashing; the state blob is written
/// in order without sorting (equal states stay equal bytes); and two versions of a profile are
/// compared by walking both in step. When nothing is left out, every profile's names share the
/// definition set's one array. Lookups by name are binary searches (few per profile).
///
/// Inlinable, so the processor's use of it is specialised for `Value` instead of running
/// through generic metadata across the module boundary.
public struct NamedTable<Element: Sendable & Equatable>: Sendable, Equatable {
    @usableFromInline var storedNames: [String]
    @usableFromInline var storedValues: [Element]

    @inlinable public var names: [String] { storedNames }
    @inlinable public var values: [Element] { storedValues }

    @inlinable
    public init() {
        storedNames = []
        storedValues = []
    }

    /// A table from names already in order and their values (the evaluator's fast path).
    @inlinable
    public init(sortedNames names: [String], values: [Element]) {
        assert(names.count == values.count && zip(names, names.dropFirst()).allSatisfy { $0 < $1 }, "names out of order")
        storedNames = names
        storedValues = values
    }

    @inlinable public var count: Int { storedNames.count }
    @inlinable public var isEmpty: Bool { storedNames.isEmpty }

    /// The position of `name`, if present.
    @inlinable
    public func index(of name: String) -> Int? {
        let at = insertionPoint(of: name)
        return at < storedNames.count && storedNames[at] == name ? at : nil
    }

    @inlinable
    public subscript(name: String) -> Element? {
        get { index(of: name).map { storedValues[$0] } }
        set {
            let at = insertionPoint(of: name)
            let present = at < storedNames.count && storedNames[at] == name
            switch (present, newValue) {
            case (true, let value?): storedValues[at] = value
            case (true, nil): storedNames.remove(at: at); storedValues.remove(at: at)
            case (false, let value?): storedNames.insert(name, at: at); storedValues.insert(value, at: at)
            case (false, nil): break
            }
        }
    }

    /// The value at `index`, changed in place (no copy of what it holds).
    @inlinable
    public subscript(position index: Int) -> Element {
        get { storedValues[index] }
        _modify { yield &storedValues[index] }
    }

    @inlinable @discardableResult
    public mutating func removeValue(forKey name: String) -> Element? {
        guard let at = index(of: name) else { return nil }
        storedNames.remove(at: at)
        return storedValues.remove(at: at)
    }

    /// Appends `name`, which must come after every name held (decoding a stored table);
    /// returns false, appending nothing, when it does not.
    @inlinable
    public mutating func appendInOrder(_ name: String, _ value: Element) -> Bool {
        if let last = storedNames.last, !(last < name) { return false }
        storedNames.append(name)
        storedValues.append(value)
        return true
    }

    @inlinable
    public mutating func reserveCapacity(_ capacity: Int) {
        storedNames.reserveCapacity(capacity)
        storedValues.reserveCapacity(capacity)
    }

    /// The entries for which `isIncluded` holds, in order.
    @inlinable
    public func filter(_ isIncluded: (_ name: String, _ value: Element) -> Bool) -> NamedTable {
        var kept = NamedTable()
        for index in storedNames.indices where isIncluded(storedNames[index], storedValues[index]) {
            _ = kept.appendInOrder(storedNames[index], storedValues[index])
        }
        return kept
    }

    @inlinable
    func insertionPoint(of name: String) -> Int {
        var low = 0, high = storedNames.count
        while low < high {
            let middle = (low + high) / 2
            if storedNames[middle] < name { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

extension NamedTable: Sequence {
    public struct Iterator: IteratorProtocol {
        @usableFromInline let table: NamedTable
        @usableFromInline var index = 0

        @inlinable init(_ table: NamedTable) { self.table = table }

        @inlinable
        public mutating func next() -> (name: String, value: Element)? {
            guard index < table.storedNames.count else { return nil }
            defer { index += 1 }
            return (table.storedNames[index], table.storedValues[index])
        }
    }

    @inlinable
    public func makeIterator() -> Iterator { Iterator(self) }
}

extension NamedTable: ExpressibleByDictionaryLiteral {
    /// A later duplicate name wins, as in a dictionary literal.
    @inlinable
    public init(dictionaryLiteral elements: (String, Element)...) {
        self.init()
        reserveCapacity(elements.count)
        for (name, value) in elements { self[name] = value }
    }
}

/// Profile values by name: `.null` is kept only where a caller put it (the evaluator leaves
/// nulls out: absent is null).
public typealias NamedValues = NamedTable<Value>
