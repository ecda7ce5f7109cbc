import TagLang

/// Values by name, kept in name order (`String`'s `<`) in two parallel arrays: what a profile
/// holds per category (attributes, metric values, tags, model outputs, metric states).
///
/// Why not a dictionary: the evaluator produces metrics and tags in an order fixed by the
/// definition set, so a table is built by appending, with no hashing; the state blob is written
/// in order without sorting (equal states stay equal bytes); and two versions of a profile are
/// compared by walking both in step. When nothing is left out, every profile's names share the
/// definition set's one array. Lookups by name are binary searches (few per profile).
public struct NamedTable<Element: Sendable & Equatable>: Sendable, Equatable {
    public private(set) var names: [String]
    public private(set) var values: [Element]

    public init() {
        names = []
        values = []
    }

    /// A table from names already in order and their values (the evaluator's fast path).
    public init(sortedNames names: [String], values: [Element]) {
        assert(names.count == values.count && zip(names, names.dropFirst()).allSatisfy { $0 < $1 }, "names out of order")
        self.names = names
        self.values = values
    }

    public init(_ dictionary: [String: Element]) {
        let sorted = dictionary.sorted { $0.key < $1.key }
        self.init(sortedNames: sorted.map(\.key), values: sorted.map(\.value))
    }

    public var count: Int { names.count }
    public var isEmpty: Bool { names.isEmpty }
    public var keys: [String] { names }

    /// The position of `name`, if present.
    public func index(of name: String) -> Int? {
        let at = insertionPoint(of: name)
        return at < names.count && names[at] == name ? at : nil
    }

    public subscript(name: String) -> Element? {
        get { index(of: name).map { values[$0] } }
        set {
            let at = insertionPoint(of: name)
            let present = at < names.count && names[at] == name
            switch (present, newValue) {
            case (true, let value?): values[at] = value
            case (true, nil): names.remove(at: at); values.remove(at: at)
            case (false, let value?): names.insert(name, at: at); values.insert(value, at: at)
            case (false, nil): break
            }
        }
    }

    /// The value at `index`, changed in place (no copy of what it holds).
    public subscript(position index: Int) -> Element {
        get { values[index] }
        _modify { yield &values[index] }
    }

    @discardableResult
    public mutating func removeValue(forKey name: String) -> Element? {
        guard let at = index(of: name) else { return nil }
        names.remove(at: at)
        return values.remove(at: at)
    }

    /// Appends `name`, which must come after every name held (decoding a stored table);
    /// returns false, appending nothing, when it does not.
    public mutating func appendInOrder(_ name: String, _ value: Element) -> Bool {
        if let last = names.last, !(last < name) { return false }
        names.append(name)
        values.append(value)
        return true
    }

    public mutating func reserveCapacity(_ capacity: Int) {
        names.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    /// The entries for which `isIncluded` holds, in order.
    public func filter(_ isIncluded: (_ name: String, _ value: Element) -> Bool) -> NamedTable {
        var kept = NamedTable()
        for (name, value) in zip(names, values) where isIncluded(name, value) { _ = kept.appendInOrder(name, value) }
        return kept
    }

    private func insertionPoint(of name: String) -> Int {
        var low = 0, high = names.count
        while low < high {
            let middle = (low + high) / 2
            if names[middle] < name { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

extension NamedTable: Sequence {
    public func makeIterator() -> some IteratorProtocol<(name: String, value: Element)> {
        zip(names, values).lazy.map { (name: $0, value: $1) }.makeIterator()
    }
}

extension NamedTable: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, Element)...) {
        self.init(Dictionary(elements, uniquingKeysWith: { $1 }))
    }
}

/// Profile values by name: `.null` is kept only where a caller put it (the evaluator leaves
/// nulls out: absent is null).
public typealias NamedValues = NamedTable<Value>
