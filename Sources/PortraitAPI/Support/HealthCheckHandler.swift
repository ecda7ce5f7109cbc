import JSON
import Hummingbird
import NIOCore
import NIOHTTPTypes

/// Answers `GET /healthz` on the connection's event loop, before Hummingbird. Hummingbird runs
/// every request as a task on the cooperative pool (one thread per core); under a burst of
/// expensive requests a probe waited there behind them (p50 30 ms, max 61 ms on two cores; on
/// the event loop p50 0.7 ms, max 28 ms: Benchmarks/README.md, "/healthz under load"). An
/// event loop only parses and writes, so the probe keeps within the 100 ms `/healthz` promises
/// whatever else runs. It answers "the process serves HTTP"; `/readyz` still goes through the
/// whole stack and its backends.
///
/// A probe pipelined behind a request Hummingbird has not answered yet goes to Hummingbird's
/// own `/healthz` route instead, so answers keep their order. Probes answered here are not in
/// the access log or the request metrics.
final class HealthCheckHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let path = "/healthz"
    private static let body: [UInt8] = JSONValue.object(["status": .string("ok")]).bytes

    /// Requests passed on to Hummingbird whose response has not ended.
    private var passedOn = 0
    /// Inside a probe answered here: its parts are not passed on.
    private var answering = false
    /// The probe asked for `Connection: close`.
    private var closeAfter = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if answering {
            if case .end = part { finishProbe(context: context) }
            return
        }
        guard case .head(let head) = part else { return context.fireChannelRead(data) }
        if passedOn == 0, head.method == .get, head.path == Self.path {
            answering = true
            closeAfter = head.headerFields[.connection]?.lowercased() == "close"
            return
        }
        passedOn += 1
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { passedOn = max(0, passedOn - 1) }
        context.write(data, promise: promise)
    }

    private func finishProbe(context: ChannelHandlerContext) {
        let close = closeAfter
        answering = false
        var buffer = context.channel.allocator.buffer(capacity: Self.body.count)
        buffer.writeBytes(Self.body)
        var fields: HTTPFields = [.contentType: "application/json; charset=utf-8", .contentLength: String(Self.body.count)]
        if close { fields[.connection] = "close" }
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .ok, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(buffer)), promise: nil)
        guard close else { return context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil) }
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }
}
