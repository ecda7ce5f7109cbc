import NIOCore

/// Owns one socket to Redis: writes requests as they come, pipelining them, and answers each
/// one's promise as its replies arrive (Redis answers in order, so a FIFO queue is enough).
///
/// A connection that breaks, times out or receives bytes it cannot parse is closed and every
/// waiting request fails with ``RedisError/connectionFailed(endpoint:detail:)``: the replies
/// still owed can no longer be matched to their requests. No request is retried here, since
/// it may have been applied.
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private struct Waiting {
        var remaining: Int
        var replies: [RedisReply]
        let answer: RedisRequest.Answer
        let deadline: NIODeadline
    }

    private let endpoint: String
    private let timeout: TimeAmount
    private var parser = RESPReplyParser()
    private var waiting = CircularBuffer<Waiting>(initialCapacity: 16)
    /// Set once the connection is unusable; later requests fail at once.
    private var failure: RedisError?
    private var timeoutCheck: Scheduled<Void>?
    private var flushScheduled = false

    init(endpoint: String, timeout: TimeAmount) {
        self.endpoint = endpoint
        self.timeout = timeout
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let failure {
            request.fail(failure)
            promise?.fail(failure)
            return
        }
        waiting.append(Waiting(remaining: request.count, replies: [], answer: request.answer, deadline: .now() + timeout))
        if request.count == 0 { deliverCompleted() }
        scheduleTimeoutCheck(context)
        context.write(wrapOutboundOut(request.bytes), promise: promise)
    }

    /// Flushes once per turn of the event loop rather than once per request: requests written
    /// by many tasks in the same turn leave in one `write` syscall, and Redis reads them at once.
    func flush(context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute { [self] in
            flushScheduled = false
            context.flush()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        parser.feed(unwrapInboundIn(data))
        do throws(RedisError) {
            while let bytes = try parser.next() {
                guard let head = waiting.first else {
                    throw .unexpectedReply(expected: "nothing (no request waiting)", got: "\(bytes.readableBytes) bytes")
                }
                if case .bytes(let promise) = head.answer {
                    // A one-command request: its reply as it came, not decoded.
                    waiting.removeFirst()
                    promise.succeed(bytes)
                    continue
                }
                waiting[waiting.startIndex].replies.append(try RedisReply(resp: bytes))
                waiting[waiting.startIndex].remaining -= 1
                deliverCompleted()
            }
        } catch {
            fail(context, detail: "\(error)")
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.connectionFailed(endpoint: endpoint, detail: "connection closed"))
        timeoutCheck?.cancel()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context, detail: "\(error)")
    }

    /// Answers the requests at the head whose replies are all in.
    private func deliverCompleted() {
        while let head = waiting.first, head.remaining == 0, case .replies(let promise) = head.answer {
            waiting.removeFirst()
            promise.succeed(head.replies)
        }
    }

    private func fail(_ context: ChannelHandlerContext, detail: String) {
        failAll(.connectionFailed(endpoint: endpoint, detail: detail))
        context.close(promise: nil)
    }

    private func failAll(_ error: RedisError) {
        if failure == nil { failure = error }
        while let head = waiting.popFirst() {
            switch head.answer {
            case .replies(let promise): promise.fail(error)
            case .bytes(let promise): promise.fail(error)
            }
        }
    }

    /// One timer at a time, set to the oldest request's deadline; it is not moved as replies
    /// arrive (that would cost a timer per reply) but re-armed when it fires early.
    private func scheduleTimeoutCheck(_ context: ChannelHandlerContext) {
        guard timeoutCheck == nil, let head = waiting.first else { return }
        timeoutCheck = context.eventLoop.assumeIsolated().scheduleTask(deadline: head.deadline) { [self] in
            timeoutCheck = nil
            if let oldest = waiting.first, oldest.deadline <= .now() {
                fail(context, detail: "no reply within \(timeout.nanoseconds / 1_000_000) ms")
            } else {
                scheduleTimeoutCheck(context)
            }
        }
    }
}

// Lives on its channel's event loop and is only touched there.
@available(*, unavailable)
extension RedisChannelHandler: Sendable {}
