import NIOCore

/// Commands already encoded, written in one go, and the promise of all their replies in
/// order. One request is never split on the wire, so a `MULTI`…`EXEC` inside it cannot be
/// interleaved with another caller's commands.
struct RedisRequest: Sendable {
    var bytes: ByteBuffer
    /// How many replies the request waits for.
    var count: Int
    var promise: EventLoopPromise<[RedisReply]>
}
