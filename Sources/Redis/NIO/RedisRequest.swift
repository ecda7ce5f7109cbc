import NIOCore

/// Commands already encoded, written in one go, and the promise of all their replies in
/// order. One request is never split on the wire, so a `MULTI`…`EXEC` inside it cannot be
/// interleaved with another caller's commands.
struct RedisRequest: Sendable {
    /// How the replies are handed over.
    enum Answer: Sendable {
        /// All ``RedisRequest/count`` replies, decoded.
        case replies(EventLoopPromise<[RedisReply]>)
        /// The one reply of a one-command request, as the RESP bytes Redis sent.
        case bytes(EventLoopPromise<ByteBuffer>)
    }

    var bytes: ByteBuffer
    /// How many replies the request waits for.
    var count: Int
    var answer: Answer

    func fail(_ error: RedisError) {
        switch answer {
        case .replies(let promise): promise.fail(error)
        case .bytes(let promise): promise.fail(error)
        }
    }
}
