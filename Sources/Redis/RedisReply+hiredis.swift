internal import CHiredis

extension RedisReply {
    /// Copies a hiredis reply tree into Swift values (the caller frees the original).
    init(_ reply: UnsafeMutablePointer<redisReply>) {
        let value = reply.pointee
        func text() -> String { Self.text(of: value) }
        switch value.type {
        case REDIS_REPLY_STRING:
            self = .bulk(value.str.map { Array(UnsafeRawBufferPointer(start: $0, count: value.len)) } ?? [])
        case REDIS_REPLY_STATUS:
            self = .status(text())
        case REDIS_REPLY_INTEGER:
            self = .integer(Int64(value.integer))
        case REDIS_REPLY_ARRAY:
            self = .array((0..<value.elements).map { RedisReply(value.element[$0]!) })
        case REDIS_REPLY_ERROR:
            self = .error(text())
        default:
            self = .null
        }
    }

    /// A status, error or string reply's text (UTF-8 repaired).
    static func text(of reply: redisReply) -> String {
        guard let pointer = reply.str else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: reply.len), as: UTF8.self)
    }
}
