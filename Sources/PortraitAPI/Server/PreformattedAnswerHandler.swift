import NIOCore
import NIOHTTP1

/// Lets the profile fast path write a whole answer (status line, headers and body) as one
/// preformatted buffer, instead of a head, a body and an end each crossing the pipeline's
/// handlers, NIO's conversion to `HTTPResponseHead` and its encoder (~3 µs of a GET's CPU,
/// Benchmarks/README.md, "Issue 16, answers as bytes").
///
/// NIO's response encoder keeps one entry per decoded request (its method: an answer to `HEAD`
/// must carry no body) and takes it off as each response head passes. An answer written past
/// the encoder would leave its request's entry behind, and every later answer on the
/// connection would be framed for the wrong request (a body after a `HEAD`). So the encoder
/// still sees one head per answer: a fixed `204` head with no fields, which it takes its entry
/// for and frames without a body; this handler, just below the encoder, sends the answer in
/// place of the few bytes that head becomes. The answer's `.end` still goes down the pipeline
/// from the fast path (connection state: idle timeout, graceful shutdown; the health and
/// malformed-request handlers' counts); after a `204` head the encoder writes nothing for it.
final class PreformattedAnswerHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private static let standInHead = HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .noContent))
    /// What the encoder makes of ``standInHead``.
    private static let standInBytes = Array("HTTP/1.1 204 No Content\r\n\r\n".utf8)

    /// The context of NIO's request decoder, right above its encoder (`configureHTTPServerPipeline`
    /// adds the two together): a write from it goes through the encoder.
    private var encoderInput: ChannelHandlerContext?
    private var replacement: ByteBuffer?

    init(encoderInput: ChannelHandlerContext) {
        self.encoderInput = encoderInput
    }

    /// Added right below NIO's encoder of `pipeline`, which `configureHTTPServerPipeline` set up.
    static func add(to pipeline: ChannelPipeline.SynchronousOperations) throws -> PreformattedAnswerHandler {
        let handler = PreformattedAnswerHandler(encoderInput: try pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self))
        try pipeline.addHandler(handler, position: .before(try pipeline.handler(type: HTTPResponseEncoder.self)))
        return handler
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        encoderInput = nil
    }

    /// Writes `answer`, a whole HTTP/1.1 response, as the connection's next answer.
    func write(answer: ByteBuffer) {
        guard let encoderInput else { return }  // the pipeline is gone with its channel
        replacement = answer
        encoderInput.write(NIOAny(Self.standInHead), promise: nil)
        replacement = nil  // taken by write(context:…) below; the encoder writes a head at once
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard let answer = replacement else { return context.write(data, promise: promise) }
        replacement = nil
        assert(Self.isStandIn(unwrapOutboundIn(data)), "NIO's encoder wrote something else for the stand-in head")
        context.write(wrapOutboundOut(.byteBuffer(answer)), promise: promise)
    }

    private static func isStandIn(_ data: IOData) -> Bool {
        guard case .byteBuffer(let buffer) = data else { return false }
        return buffer.readableBytesView.elementsEqual(standInBytes)
    }
}

// Lives on its channel's event loop and is only touched there.
@available(*, unavailable)
extension PreformattedAnswerHandler: Sendable {}
