import Hummingbird
import Logging
import NIOCore
import NIOHTTPTypes
import Redis

/// One connection's side of ``ProfileFastPath``: sits in the HTTP pipeline after Hummingbird's
/// connection-state handler (which so still sees every request and response: idle timeout,
/// graceful shutdown) and before the channel Hummingbird reads requests from. Everything runs
/// on the connection's event loop; the Redis read is a future on that loop, so no task, lock
/// or thread hop per request.
///
/// Order on a keep-alive, pipelined connection: answers go out in request order.
/// - A request is answered here only while no request passed to Hummingbird is unanswered.
/// - Requests answered here are queued; their answers are written in order as they complete.
/// - A request for Hummingbird that arrives while answers here are pending is held (with
///   everything after it, and socket reads paused) until they are written, then passed on.
/// So at any moment either Hummingbird or this handler has the connection's unanswered
/// requests, never both.
///
/// Backpressure: while this handler has the connection, socket reads pause when
/// ``maxPending`` answers are pending or the channel is not writable (a client that pipelines
/// without reading its answers), and resume as answers are written and the socket drains.
final class ProfileFastPathHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// A request answered here, until its answer is written.
    private final class Exchange {
        let start = NIODeadline.now()
        var answer: Result<[UInt8], APIError>?
        /// Its request id (as Hummingbird's, one per request) and logger, made when first needed:
        /// the access line and any error line of the request carry the same id.
        var requestId: RequestID?
        var logger: Logger?
    }

    /// Answers pending here before socket reads pause.
    static let maxPending = 128

    private let fastPath: ProfileFastPath
    private let metrics: RouteMetrics
    /// The metrics of the status last answered (almost always 200), kept to skip the lookup.
    private var series: RouteMetrics.Series?
    /// `HTTPField`, named through the fields type Hummingbird exports.
    private typealias Field = HTTPFields.Element
    private static let contentType = Field(name: .contentType, value: "application/json; charset=utf-8")
    /// Requests passed on to Hummingbird whose response has not ended.
    private var passedOn = 0
    /// Requests answered here, in arrival order, until written.
    private var exchanges = CircularBuffer<Exchange>()
    /// What arrived for Hummingbird while ``exchanges`` drain (see the type's comment): request
    /// parts, and a parse error in a held request's body, which must follow its parts.
    private enum Held {
        case part(NIOAny)
        case error(any Error)
    }

    private var held: [Held] = []
    private var holding = false
    private var readHeld = false
    /// The client half-closed while answers here were pending or parts held: Hummingbird,
    /// which ends the connection when its input ends, hears of it once they are out.
    private var inputClosedHeld = false
    /// Inside a request answered here: its remaining parts are dropped.
    private var skippingRequest = false
    /// Inside `channelRead`: the flush waits for `channelReadComplete` (one per batch).
    private var inRead = false
    private var needsFlush = false
    private var closed = false
    private var date = HTTPDateText()
    private var keyMemo = ProfileFastPath.KeyMemo()
    /// One timer per connection, due when the oldest unanswered read passes the request
    /// time limit (a timer per request cost a heap entry and a cancel each).
    private var timer: Scheduled<Void>?

    /// Writes a found profile's answer as one buffer (the hot path); errors go as parts.
    private let answers: PreformattedAnswerHandler

    init(fastPath: ProfileFastPath, answers: PreformattedAnswerHandler) {
        self.fastPath = fastPath
        self.answers = answers
        metrics = fastPath.routeMetrics()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inRead = true
        dispatch(data, context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inRead = false
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if readsPaused(context) { readHeld = true } else { context.read() }
    }

    /// An error Hummingbird must see (one in a request's body, a head that does not convert)
    /// reaches it after the answers pending here, as it would in its own stream.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard holding || !exchanges.isEmpty else { return context.fireErrorCaught(error) }
        holding = true
        held.append(.error(error))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed? = event as? ChannelEvent, holding || !exchanges.isEmpty {
            inputClosedHeld = true
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Passes on a held half-close once nothing is pending here.
    private func deliverInputClosed(_ context: ChannelHandlerContext) {
        guard inputClosedHeld, !holding, exchanges.isEmpty else { return }
        inputClosedHeld = false
        context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        resumeReads(context)
        context.fireChannelWritabilityChanged()
    }

    /// Hummingbird's requests are left to Hummingbird's own backpressure.
    private func readsPaused(_ context: ChannelHandlerContext) -> Bool {
        holding || (passedOn == 0 && (exchanges.count >= Self.maxPending || !context.channel.isWritable))
    }

    private func resumeReads(_ context: ChannelHandlerContext) {
        guard readHeld, !readsPaused(context) else { return }
        readHeld = false
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Only Hummingbird's writes pass here; this handler's own start below it.
        if case .end = unwrapOutboundIn(data) { passedOn = max(0, passedOn - 1) }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        timer?.cancel()
        timer = nil
        for _ in exchanges { metrics.activeRequests.decrement() }  // unwritten, answered or not
        exchanges.removeAll()
        context.fireChannelInactive()
    }

    private func dispatch(_ data: NIOAny, context: ChannelHandlerContext) {
        if holding { return held.append(.part(data)) }
        let part = unwrapInboundIn(data)
        guard case .head(let head) = part else {
            if skippingRequest {
                if case .end = part { skippingRequest = false }
                return
            }
            return context.fireChannelRead(data)
        }
        if passedOn == 0 {
            switch fastPath.decide(head, memo: &keyMemo) {
            case .passThrough: break
            case .refuse(let error):
                skippingRequest = true
                return answer(start(), with: .failure(error), context: context)
            case .read(let userId, let sections):
                skippingRequest = true
                return read(userId, sections: sections, path: head.path ?? "", context: context)
            }
        }
        if !exchanges.isEmpty {
            holding = true
            return held.append(.part(data))
        }
        passedOn += 1
        context.fireChannelRead(data)
    }

    private func start() -> Exchange {
        let exchange = Exchange()
        metrics.activeRequests.increment()
        exchanges.append(exchange)
        return exchange
    }

    private func read(_ userId: String, sections: [ProfileDocument.Section], path: String, context: ChannelHandlerContext) {
        let exchange = start()
        let loop = context.eventLoop
        let fastPath = self.fastPath
        if timer == nil { armTimer(at: exchange.start + fastPath.timeLimit, context: context) }
        fastPath.read(userId, on: loop).hop(to: loop).assumeIsolated().whenComplete { [self] outcome in
            guard exchange.answer == nil, !closed else { return }
            let answer = fastPath.answer(to: outcome, userId: userId, sections: sections, target: path) { logger(of: exchange) }
            self.answer(exchange, with: answer, context: context)
        }
    }

    private func armTimer(at deadline: NIODeadline, context: ChannelHandlerContext) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            timer = nil
            guard !closed else { return }
            let limit = fastPath.timeLimit
            let now = NIODeadline.now()
            let late = exchanges.filter { $0.answer == nil && $0.start + limit <= now }
            for exchange in late {
                logger(of: exchange).warning("request failed", metadata: ["error": "\(fastPath.timeoutError)"])
                answer(exchange, with: .failure(fastPath.timeoutError), context: context)
            }
            if timer == nil, let next = exchanges.first(where: { $0.answer == nil }) { armTimer(at: next.start + limit, context: context) }
        }
    }

    private func logger(of exchange: Exchange) -> Logger {
        if let logger = exchange.logger { return logger }
        let logger = fastPath.requestLogger(id: requestId(of: exchange))
        exchange.logger = logger
        return logger
    }

    private func requestId(of exchange: Exchange) -> RequestID {
        if let id = exchange.requestId { return id }
        let id = RequestID()
        exchange.requestId = id
        return id
    }

    /// Records `exchange`'s answer and writes every answer that is next in order.
    private func answer(_ exchange: Exchange, with answer: Result<[UInt8], APIError>, context: ChannelHandlerContext) {
        guard !closed else { return }
        exchange.answer = answer
        while let first = exchanges.first, let ready = first.answer {
            exchanges.removeFirst()
            write(ready, of: first, context: context)
        }
        if inRead {
            needsFlush = true
        } else {
            context.flush()
        }
        if exchanges.isEmpty, holding { release(context: context) }
        resumeReads(context)
        deliverInputClosed(context)
    }

    /// Writes the answer as Hummingbird would: the route's headers, then `Date` and `Server`.
    private func write(_ answer: Result<[UInt8], APIError>, of exchange: Exchange, context: ChannelHandlerContext) {
        let status: HTTPResponse.Status
        switch answer {
        case .success(let body):
            status = .ok
            answers.write(answer: okAnswer(body, allocator: context.channel.allocator))
            // Past the handlers above NIO's encoder, which count requests and responses by it.
            context.write(wrapOutboundOut(.end(nil)), promise: nil)
        case .failure(let error):
            status = error.status
            writeParts(of: error, context: context)
        }
        fastPath.counters.countFastPathAnswer()
        let end = NIODeadline.now()
        if series?.status != status.code { series = metrics.series(status: status.code) }
        series?.record(startNanoseconds: exchange.start.uptimeNanoseconds, nowNanoseconds: end.uptimeNanoseconds)
        if fastPath.logsRequests {
            fastPath.logRequest(id: requestId(of: exchange), logger: { logger(of: exchange) }, status: status.code, start: exchange.start, end: end)
        }
    }

    /// A `200` answer as NIO's encoder writes Hummingbird's: status line, then each field as
    /// `Name: value` in the order ``writeParts(of:context:)`` gives them (the fast-path test
    /// compares the bytes with the route's).
    private func okAnswer(_ body: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: body.count + 160)
        buffer.writeStaticString("HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ")
        buffer.writeString(String(body.count))
        buffer.writeStaticString("\r\nDate: ")
        buffer.writeString(date.now())
        buffer.writeStaticString("\r\nServer: ")
        buffer.writeString(fastPath.serverName)
        buffer.writeStaticString("\r\n\r\n")
        buffer.writeBytes(body)
        return buffer
    }

    /// An error answer as head, body and end through the pipeline, as Hummingbird writes it.
    private func writeParts(of error: APIError, context: ChannelHandlerContext) {
        let body = error.body.bytes
        // Appended, not set by name: each name is new, so no search for an earlier field.
        var fields = HTTPFields()
        fields.reserveCapacity(6)
        fields.append(Self.contentType)
        fields.append(Field(name: .contentLength, value: String(body.count)))
        if error.status == .unauthorized { fields.append(Field(name: .wwwAuthenticate, value: "Bearer")) }
        if let allow = error.allow { fields.append(Field(name: .allow, value: allow)) }
        if let retryAfterSeconds = error.retryAfterSeconds { fields.append(Field(name: .retryAfter, value: String(max(1, retryAfterSeconds)))) }
        fields.append(Field(name: .date, value: date.now()))
        fields.append(Field(name: .server, value: fastPath.serverName))
        var buffer = context.channel.allocator.buffer(capacity: body.count)
        buffer.writeBytes(body)
        context.write(wrapOutboundOut(.head(HTTPResponse(status: error.status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(buffer)), promise: nil)
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// Passes on the parts held while answers here were pending, then resumes reading.
    private func release(context: ChannelHandlerContext) {
        holding = false
        let parts = held
        held = []
        let wasInRead = inRead
        inRead = true
        for item in parts {
            switch item {
            case .part(let part): dispatch(part, context: context)
            case .error(let error): if holding { held.append(.error(error)) } else { context.fireErrorCaught(error) }
            }
        }
        inRead = wasInRead
        if !wasInRead {
            if needsFlush {
                needsFlush = false
                context.flush()
            }
            context.fireChannelReadComplete()
        }
        resumeReads(context)
    }
}
