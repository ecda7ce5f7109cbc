internal import CHiredis

/// Split-phase pipelining, for a connection one caller owns (a flush lane's): ``send(_:)``
/// writes commands out without waiting for their replies, and ``receive(_:)`` or
/// ``receiveTransaction(queued:)`` reads them later, in order. The caller computes the next
/// batch while Redis works on this one. Nothing else may use the connection in between: the
/// replies would be read by the wrong caller.
extension RedisConnection {
    /// Appends the commands `build` adds and writes them all out; returns how many replies
    /// are owed.
    public func send(_ build: (inout RedisPipeline) throws(RedisError) -> Void) throws(RedisError) -> Int {
        try withContext { (context: UnsafeMutablePointer<redisContext>) throws(RedisError) -> Int in
            var pipe = RedisPipeline(context: context)
            try build(&pipe)
            if let failure = pipe.failure { throw failure }
            var done: Int32 = 0
            while done == 0 {
                guard redisBufferWrite(context, &done) == REDIS_OK else { throw .connectionFailed(endpoint: configuration.endpoint, detail: "write failed") }
            }
            return pipe.count
        }
    }

    /// Reads `count` replies owed by ``send(_:)`` (error replies stay in the array).
    public func receive(_ count: Int) throws(RedisError) -> [RedisReply] {
        try withContext(reconnecting: false) { (context: UnsafeMutablePointer<redisContext>) throws(RedisError) -> [RedisReply] in
            try Self.replies(count, from: context)
        }
    }

    /// Reads the replies of `MULTI`, `queued` commands and `EXEC`, owed by ``send(_:)``,
    /// without copying them into Swift values (a flush's transaction has thousands): only
    /// whether it ran, and the first error.
    public func receiveTransaction(queued: Int) throws(RedisError) -> TransactionOutcome {
        try receiveTransaction(queued: queued, integersAt: []).outcome
    }

    /// As ``receiveTransaction(queued:)``, and, once committed, the integer replies of the
    /// queued commands at `positions` (counted from 0 after `MULTI`; `nil` where the reply is
    /// not an integer), read in place like the rest.
    public func receiveTransaction(queued: Int, integersAt positions: [Int]) throws(RedisError) -> (outcome: TransactionOutcome, integers: [Int64?]) {
        try withContext(reconnecting: false) { (context: UnsafeMutablePointer<redisContext>) throws(RedisError) -> (outcome: TransactionOutcome, integers: [Int64?]) in
            for _ in 0..<(queued + 1) { freeReplyObject(try Self.nextReply(context)) }  // +OK and +QUEUED (a refusal shows in EXEC)
            let raw = try Self.nextReply(context)
            defer { freeReplyObject(raw) }
            let reply = raw.assumingMemoryBound(to: redisReply.self).pointee
            switch reply.type {
            case REDIS_REPLY_ARRAY:
                for index in 0..<reply.elements {
                    guard let element = reply.element[index], element.pointee.type == REDIS_REPLY_ERROR else { continue }
                    return (.failed(RedisReply.text(of: element.pointee)), [])
                }
                let integers = positions.map { position -> Int64? in
                    guard position >= 0, position < reply.elements, let element = reply.element[position], element.pointee.type == REDIS_REPLY_INTEGER else { return nil }
                    return element.pointee.integer
                }
                return (.committed, integers)
            case REDIS_REPLY_NIL: return (.aborted, [])
            case REDIS_REPLY_ERROR: return (.refused(RedisReply.text(of: reply)), [])
            default: throw .unexpectedReply(expected: "EXEC array", got: RedisReply(raw.assumingMemoryBound(to: redisReply.self)).description)
            }
        }
    }

    /// The next `count` replies on `context`, copied into Swift values.
    static func replies(_ count: Int, from context: UnsafeMutablePointer<redisContext>) throws(RedisError) -> [RedisReply] {
        var replies: [RedisReply] = []
        replies.reserveCapacity(count)
        for _ in 0..<count {
            let raw = try nextReply(context)
            replies.append(RedisReply(raw.assumingMemoryBound(to: redisReply.self)))
            freeReplyObject(raw)
        }
        return replies
    }

    private static func nextReply(_ context: UnsafeMutablePointer<redisContext>) throws(RedisError) -> UnsafeMutableRawPointer {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw .connectionFailed(endpoint: "redis", detail: "reply not read") }
        return raw
    }
}

/// How a transaction read by ``RedisConnection/receiveTransaction(queued:)`` ended.
public enum TransactionOutcome: Sendable, Equatable {
    case committed
    /// A watched key changed before `EXEC`: nothing ran.
    case aborted
    /// A command failed while the transaction ran (the others were applied).
    case failed(String)
    /// `EXECABORT`: a command was refused when queued; nothing ran.
    case refused(String)
}
