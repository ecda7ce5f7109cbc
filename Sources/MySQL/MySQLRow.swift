/// Column names of a result set, shared by all its rows.
public final class MySQLColumns: Sendable {
    public let names: [String]
    private let indexByName: [String: Int]

    init(names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        indexByName = index
    }

    public func index(of name: String) -> Int? { indexByName[name] }
}

/// One row of a result set.
public struct MySQLRow: Sendable {
    public let columns: MySQLColumns
    public let values: [MySQLValue]

    /// The value of column `name`, `nil` if the result has no such column.
    public subscript(_ name: String) -> MySQLValue? {
        columns.index(of: name).map { values[$0] }
    }

    /// The value of column `name` as `T`, with an error naming the column when it is not one.
    public func decode<T: MySQLDecodable>(_ type: T.Type = T.self, _ name: String) throws(MySQLError) -> T {
        guard let value = self[name] else { throw .typeMismatch(column: name, expected: "\(T.self)", got: "no such column") }
        guard let decoded = T(mysqlValue: value) else {
            throw .typeMismatch(column: name, expected: "\(T.self)", got: value.isNull ? "NULL" : value.description)
        }
        return decoded
    }
}

/// A Swift type that a column value can be read as.
public protocol MySQLDecodable {
    init?(mysqlValue: MySQLValue)
}

extension Int64: MySQLDecodable {
    public init?(mysqlValue: MySQLValue) {
        switch mysqlValue {
        case .int(let value): self = value
        case .uint(let value): guard let exact = Int64(exactly: value) else { return nil }; self = exact
        case .decimal(let text), .string(let text): guard let parsed = Int64(text) else { return nil }; self = parsed
        default: return nil
        }
    }
}

extension Int: MySQLDecodable {
    public init?(mysqlValue: MySQLValue) {
        guard let value = Int64(mysqlValue: mysqlValue) else { return nil }
        self = Int(value)
    }
}

extension UInt64: MySQLDecodable {
    public init?(mysqlValue: MySQLValue) {
        switch mysqlValue {
        case .uint(let value): self = value
        case .int(let value): guard let exact = UInt64(exactly: value) else { return nil }; self = exact
        default: return nil
        }
    }
}

extension Double: MySQLDecodable {
    public init?(mysqlValue: MySQLValue) {
        switch mysqlValue {
        case .double(let value): self = value
        case .int(let value): self = Double(value)
        case .uint(let value): self = Double(value)
        case .decimal(let text): guard let parsed = Double(text) else { return nil }; self = parsed
        default: return nil
        }
    }
}

extension Bool: MySQLDecodable {
    public init?(mysqlValue: MySQLValue) {
        guard let value = Int64(mysqlValue: mysqlValue) else { return nil }
        self = value != 0
    }
}

extension String: MySQLDecodable {
    public init?(mysqlValue: MySQLValue) {
        switch mysqlValue {
        case .null: return nil
        case .bytes(let bytes): self = String(decoding: bytes, as: UTF8.self)
        default: self = mysqlValue.description
        }
    }
}

extension Array: MySQLDecodable where Element == UInt8 {
    public init?(mysqlValue: MySQLValue) {
        switch mysqlValue {
        case .bytes(let bytes): self = bytes
        case .string(let text): self = Array(text.utf8)
        default: return nil
        }
    }
}

extension Optional: MySQLDecodable where Wrapped: MySQLDecodable {
    public init?(mysqlValue: MySQLValue) {
        if mysqlValue.isNull { self = .none; return }
        guard let value = Wrapped(mysqlValue: mysqlValue) else { return nil }
        self = .some(value)
    }
}
