/// A single record with named values, for scoring events one at a time in a stream.
public struct Row: Sendable, Equatable {
    /// Value names, in order.
    public private(set) var names: [String]
    /// Values, parallel to `names`.
    public private(set) var values: [RowValue]

    /// A row from ordered `(name, value)` pairs.
    public init(_ pairs: [(String, RowValue)]) {
        names = pairs.map(\.0)
        values = pairs.map(\.1)
    }

    /// The value named `name`, if present.
    public subscript(name: String) -> RowValue? {
        names.firstIndex(of: name).map { values[$0] }
    }

    /// Sets `name` to `value`, replacing an existing value of that name.
    public mutating func set(_ name: String, _ value: RowValue) {
        if let index = names.firstIndex(of: name) {
            values[index] = value
        } else {
            names.append(name)
            values.append(value)
        }
    }

    /// The value named `name`, or ``LearningError/missingColumn(name:available:)``.
    public func require(_ name: String) throws(LearningError) -> RowValue {
        guard let value = self[name] else { throw .missingColumn(name: name, available: names) }
        return value
    }

    /// The number named `name`, or a typed error.
    public func number(_ name: String) throws(LearningError) -> Double {
        guard case let .number(value) = try require(name) else {
            throw .columnTypeMismatch(column: name, expected: "numeric", found: try kindName(name))
        }
        return value
    }

    private func kindName(_ name: String) throws(LearningError) -> String {
        switch try require(name) {
        case .number: return "numeric"
        case .vector: return "dense vector"
        case .sparse: return "sparse vector"
        case .category: return "categorical"
        }
    }
}
