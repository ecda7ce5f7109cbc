/// A typed Redis reply. Bulk strings stay bytes: profile values are binary-safe.
public enum RedisReply: Sendable, Equatable, CustomStringConvertible {
    case bulk([UInt8])
    case status(String)
    case integer(Int64)
    case array([RedisReply])
    case null
    /// An error reply inside a pipeline or a script result (a single command throws instead).
    case error(String)

    public var description: String {
        switch self {
        case .bulk(let bytes): "bulk(\(String(decoding: bytes, as: UTF8.self)))"
        case .status(let text): "status(\(text))"
        case .integer(let value): "integer(\(value))"
        case .array(let items): "array(\(items.count))"
        case .null: "null"
        case .error(let message): "error(\(message))"
        }
    }

    /// The reply as text: bulk strings decoded as UTF-8, statuses as they are, `nil` otherwise.
    public var string: String? {
        switch self {
        case .bulk(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let text): text
        default: nil
        }
    }

    /// The reply as an integer: integer replies, and bulk strings holding a decimal number.
    public var int: Int64? {
        switch self {
        case .integer(let value): value
        case .bulk: string.flatMap { Int64($0) }
        default: nil
        }
    }

    /// A bulk string's bytes (a bitmap, a state blob), `nil` otherwise.
    public var bytes: [UInt8]? {
        if case .bulk(let bytes) = self { bytes } else { nil }
    }

    public var array: [RedisReply]? {
        if case .array(let items) = self { items } else { nil }
    }

    /// An HGETALL reply as field → value (pairs that are not two strings are skipped; empty for
    /// a missing hash or any other reply).
    public var hashFields: [String: String] {
        let items = array ?? []
        var fields: [String: String] = [:]
        for index in stride(from: 0, to: items.count - 1, by: 2) {
            if let field = items[index].string, let value = items[index + 1].string { fields[field] = value }
        }
        return fields
    }

    /// Throws the error this reply carries, if it is one.
    public func throwIfError() throws(RedisError) -> RedisReply {
        if case .error(let message) = self { throw .server(message) }
        return self
    }
}
