import NIOCore
import NIOPosix

/// One non-blocking connection to Redis on a SwiftNIO channel: the async face of the `Redis`
/// module (``RedisConnection`` is the blocking one). Any number of tasks may send at once;
/// their commands are pipelined on the socket and each gets its own replies. Most callers
/// want a ``RedisClient``, which keeps a few of these and reconnects them.
public final class RedisClientConnection: RedisCommandSending {
    public let configuration: RedisConfiguration
    let channel: any Channel

    private init(configuration: RedisConfiguration, channel: any Channel) {
        self.configuration = configuration
        self.channel = channel
    }

    /// Connects, then sends `AUTH` and `SELECT` as configured.
    public static func connect(
        configuration: RedisConfiguration, on eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.next()
    ) async throws(RedisError) -> RedisClientConnection {
        try await RedisFuture.value(of: connect(configuration: configuration, on: eventLoop), endpoint: configuration.endpoint)
    }

    static func connect(configuration: RedisConfiguration, on eventLoop: any EventLoop) -> EventLoopFuture<RedisClientConnection> {
        let endpoint = configuration.endpoint
        let timeout = TimeAmount.milliseconds(Int64(configuration.timeoutMs))
        let connected = ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RedisChannelHandler(endpoint: endpoint, timeout: timeout))
                }
            }
            .connect(host: configuration.host, port: configuration.port)
            .flatMapErrorThrowing { error in throw RedisError.connectionFailed(endpoint: endpoint, detail: "\(error)") }
            .map { RedisClientConnection(configuration: configuration, channel: $0) }
        return connected.flatMap { connection in
            var setup: [[any RedisArgument]] = []
            if let password = configuration.password { setup.append(["AUTH", password]) }
            if configuration.database != 0 { setup.append(["SELECT", configuration.database]) }
            guard !setup.isEmpty else { return eventLoop.makeSucceededFuture(connection) }
            return connection.send(RESPEncoder.encode(setup), count: setup.count).flatMapThrowing { replies in
                for case .error(let message) in replies {
                    connection.channel.close(promise: nil)
                    throw RedisError.connectionFailed(endpoint: endpoint, detail: message)
                }
                return connection
            }
        }
    }

    /// Whether the socket is still open (a closed connection fails every command).
    public var isActive: Bool { channel.isActive }

    /// Sends `commands` in one write and returns their replies (error replies stay in the array).
    public func pipeline(_ commands: [[any RedisArgument]]) async throws(RedisError) -> [RedisReply] {
        try await RedisFuture.value(of: send(RESPEncoder.encode(commands), count: commands.count), endpoint: configuration.endpoint)
    }

    /// Closes the socket; commands still waiting fail.
    public func close() async {
        try? await channel.close()
    }

    /// Writes encoded commands and answers with their `count` replies; fails with a ``RedisError``.
    func send(_ bytes: ByteBuffer, count: Int) -> EventLoopFuture<[RedisReply]> {
        let promise = channel.eventLoop.makePromise(of: [RedisReply].self)
        submit(RedisRequest(bytes: bytes, count: count, answer: .replies(promise)))
        return promise.futureResult
    }

    /// Writes one encoded command and answers with its reply's RESP bytes; fails with a ``RedisError``.
    func sendForBytes(_ bytes: ByteBuffer) -> EventLoopFuture<ByteBuffer> {
        let promise = channel.eventLoop.makePromise(of: ByteBuffer.self)
        submit(RedisRequest(bytes: bytes, count: 1, answer: .bytes(promise)))
        return promise.futureResult
    }

    private func submit(_ request: RedisRequest) {
        if channel.eventLoop.inEventLoop, channel.isActive {
            // Written synchronously: the handler takes the request now and answers or fails
            // it, so no promise is needed for the write (one future less per command).
            channel.writeAndFlush(request, promise: nil)
            return
        }
        let written = channel.eventLoop.makePromise(of: Void.self)
        let endpoint = configuration.endpoint
        // A write to a closed channel never reaches the handler: fail the request here.
        written.futureResult.whenFailure { error in
            request.fail(error as? RedisError ?? .connectionFailed(endpoint: endpoint, detail: "\(error)"))
        }
        channel.writeAndFlush(request, promise: written)
    }
}

/// Awaiting a future with the `Redis` module's typed error.
enum RedisFuture {
    static func value<T: Sendable>(of future: EventLoopFuture<T>, endpoint: String) async throws(RedisError) -> T {
        do {
            return try await future.get()
        } catch let error as RedisError {
            throw error
        } catch {
            throw .connectionFailed(endpoint: endpoint, detail: "\(error)")
        }
    }
}
