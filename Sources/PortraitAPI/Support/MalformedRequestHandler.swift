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
/// An error while a request's body is still being read is left to Hummingbird: its responder
/// is reading that body and must see the error. An error after a complete request (a bad
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
        let isEnd = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        guard isEnd else { return }
        awaitingResponses = max(0, awaitingResponses - 1)
        if awaitingResponses == 0, let pending {
            self.pending = nil
            answer(pending, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, !readingRequest else { return context.fireErrorCaught(error) }
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
        let problem = Self.problem(for: error)
        var buffer = context.channel.allocator.buffer(capacity: 256)
        buffer.writeBytes(problem.body.bytes)
        let head = HTTPResponse(status: problem.status, headerFields: [
            .contentType: "application/json; charset=utf-8", .contentLength: String(buffer.readableBytes), .connection: "close",
        ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(buffer)), promise: nil)
        let context = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.value.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            context.value.close(promise: nil)
        }
    }

    /// The answer for a parser error: 431 for a head over the decoder's limit, else 400.
    static func problem(for error: HTTPParserError) -> APIError {
        if error == .headerOverflow {
            return APIError(
                .init(code: 431, reasonPhrase: "Request Header Fields Too Large"), code: "request_head_too_large",
                "the request line and headers are limited to \(APIApplicationLimits.maxRequestHeadBytes) bytes")
        }
        return APIError(
            .badRequest, code: "malformed_request",
            "the request is not valid HTTP/1.1 (\(error.debugDescription)): the method, path and version must be printable ASCII, e.g. GET /v1/profiles/u1 HTTP/1.1")
    }
}
