import Hummingbird
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP parser rejects — bytes not allowed in the method, path or
/// version, a malformed or oversized head — with the standard error body instead of
/// Hummingbird's bare 400 with an empty body. Such a request never reaches the router (there
/// is no method or path to route), so no middleware sees it; the parser's error does pass
/// through the channel pipeline after the HTTP codec, where Hummingbird lets us add handlers,
/// and this handler answers it there and closes the connection.
///
/// An error while a request's body is still being read (bad chunked encoding) goes on to
/// Hummingbird, whose responder is reading that body and must see it; the bare 400 Hummingbird
/// then writes is given the standard body here. An error after a complete request (a bad
/// request line pipelined behind a good one) waits until that request's response has ended.
final class MalformedRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// A request head was read and its end not yet.
    private var readingRequest = false
    /// Requests read in full whose response has not ended.
    private var awaitingResponses = 0
    /// A parser error held back until the responses before it are written.
    private var pending: HTTPParserError?
    private var answered = false
    /// A parser error passed on to Hummingbird: its bare 400 gets this error's body.
    private var passedOn: HTTPParserError?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: readingRequest = true
        case .body: break
        case .end:
            readingRequest = false
            awaitingResponses += 1
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        if case .head(let head) = part, let error = passedOn, Self.isBareBadRequest(head) {
            // Hummingbird's own answer to the parser error: the same status, with the body.
            passedOn = nil
            let (standard, body) = Self.answer(for: error, allocator: context.channel.allocator)
            context.write(wrapOutboundOut(.head(standard)), promise: nil)
            context.write(wrapOutboundOut(.body(body)), promise: promise)
            return
        }
        let isEnd = if case .end = part { true } else { false }
        context.write(data, promise: promise)
        guard isEnd else { return }
        awaitingResponses = max(0, awaitingResponses - 1)
        if awaitingResponses == 0, let pending {
            self.pending = nil
            answer(pending, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else { return context.fireErrorCaught(error) }
        if readingRequest {
            passedOn = parserError
            return context.fireErrorCaught(error)
        }
        if awaitingResponses > 0 {
            pending = parserError
        } else {
            answer(parserError, context: context)
        }
    }

    /// Writes the standard error answer and closes the connection (the parser cannot go on).
    private func answer(_ error: HTTPParserError, context: ChannelHandlerContext) {
        guard !answered else { return }
        answered = true
        let (head, buffer) = Self.answer(for: error, allocator: context.channel.allocator)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(buffer)), promise: nil)
        let context = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.value.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            context.value.close(promise: nil)
        }
    }

    /// The head and body answering `error`; the connection closes after it.
    private static func answer(for error: HTTPParserError, allocator: ByteBufferAllocator) -> (HTTPResponse, ByteBuffer) {
        let problem = problem(for: error)
        var buffer = allocator.buffer(capacity: 256)
        buffer.writeBytes(problem.body.bytes)
        let head = HTTPResponse(status: problem.status, headerFields: [
            .contentType: "application/json; charset=utf-8", .contentLength: String(buffer.readableBytes), .connection: "close",
        ])
        return (head, buffer)
    }

    /// Hummingbird's answer to a parser error: 400, no body, `Connection: close`. Every 400 of
    /// Portrait's own carries a JSON body, so it cannot be mistaken for one.
    private static func isBareBadRequest(_ head: HTTPResponse) -> Bool {
        head.status == .badRequest && head.headerFields[.contentLength] == "0" && head.headerFields[.connection] == "close"
    }

    /// The answer for a parser error: 431 for a head over the decoder's limit, else 400.
    static func problem(for error: HTTPParserError) -> APIError {
        if error == .headerOverflow {
            return APIError(
                .init(code: 431, reasonPhrase: "Request Header Fields Too Large"), code: "request_head_too_large",
                "the request line and headers are limited to \(APIApplicationLimits.maxRequestHeadBytes) bytes")
        }
        let inRequestLine: [HTTPParserError] = [.invalidMethod, .invalidURL, .invalidVersion, .invalidCharactersUsed]
        let hint = inRequestLine.contains(error) ? ": the method, path and version must be printable ASCII, e.g. GET /v1/profiles/u1 HTTP/1.1" : ""
        return APIError(.badRequest, code: "malformed_request", "the request is not valid HTTP/1.1 (\(error.debugDescription))\(hint)")
    }
}
