import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The async, non-blocking face of the `Redis` module: a small pool of pipelined
/// ``RedisClientConnection``s, a few on each event loop, used round-robin. Nothing blocks a
/// thread; many tasks share each socket and each gets its own replies.
///
/// A connection found closed is reconnected on its next use, with doubling backoff from 50 ms
/// up to ``RedisConfiguration/reconnectAttempts`` attempts; the commands that were waiting when
/// it broke fail (they may have been applied, so they are not retried).
public final class RedisClient: RedisCommandSending {
    public let configuration: RedisConfiguration
    private let slots: [RedisConnectionSlot]
    /// The slots of each event loop: a caller running on one of the loops (an API request
    /// handled there) sends on a connection of that loop, so the reply wakes it on the same
    /// thread instead of hopping from another loop.
    private let slotsByLoop: [ObjectIdentifier: [RedisConnectionSlot]]
    private let turn = Atomic<Int>(0)

    /// Connections are opened lazily, `connectionsPerEventLoop` on each loop of `group`.
    public init(
        configuration: RedisConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        connectionsPerEventLoop: Int = 2, logger: Logger = Logger(label: "portrait.redis.client")
    ) {
        self.configuration = configuration
        var slots: [RedisConnectionSlot] = []
        var slotsByLoop: [ObjectIdentifier: [RedisConnectionSlot]] = [:]
        for eventLoop in group.makeIterator() {
            for _ in 0..<max(1, connectionsPerEventLoop) {
                let slot = RedisConnectionSlot(configuration: configuration, eventLoop: eventLoop, logger: logger)
                slots.append(slot)
                slotsByLoop[ObjectIdentifier(eventLoop), default: []].append(slot)
            }
        }
        self.slots = slots
        self.slotsByLoop = slotsByLoop
    }

    /// Sends `commands` in one write on one of the pool's connections and returns their
    /// replies (error replies stay in the array).
    public func pipeline(_ commands: [[any RedisArgument]]) async throws(RedisError) -> [RedisReply] {
        let bytes = RESPEncoder.encode(commands)  // on the caller's thread, not the event loop
        let slot = slot(near: MultiThreadedEventLoopGroup.currentEventLoop)
        return try await RedisFuture.value(of: slot.send(bytes, count: commands.count), endpoint: configuration.endpoint)
    }

    /// ``pipeline(_:)`` for code running in a channel handler, which must not start a task per
    /// command (the API's profile fast path): sent on a connection of `eventLoop` when it is
    /// one of the pool's loops, so the future completes on it. Fails with a ``RedisError``.
    /// Arguments are text: no existential per argument on this path.
    public func pipeline(_ commands: [[String]], on eventLoop: any EventLoop) -> EventLoopFuture<[RedisReply]> {
        slot(near: eventLoop).send(RESPEncoder.encode(commands), count: commands.count)
    }

    /// One command for code running in a channel handler, as ``pipeline(_:on:)``, answered
    /// with its reply as the RESP bytes Redis sent (``RedisReply/init(resp:)`` decodes them):
    /// for a caller that reads a large reply itself, without a ``RedisReply`` per value.
    public func replyBytes(_ command: [String], on eventLoop: any EventLoop) -> EventLoopFuture<ByteBuffer> {
        slot(near: eventLoop).sendForBytes(RESPEncoder.encode([command]))
    }

    /// A slot of `loop` when it is one of the pool's (round-robin among them), else any slot.
    private func slot(near loop: (any EventLoop)?) -> RedisConnectionSlot {
        let turn = self.turn.wrappingAdd(1, ordering: .relaxed).oldValue
        if let loop, let local = slotsByLoop[ObjectIdentifier(loop)] { return local[turn % local.count] }
        return slots[turn % slots.count]
    }

    /// Closes every connection; later commands reconnect.
    public func close() async {
        for slot in slots { await slot.close() }
    }

    deinit {
        for slot in slots { slot.closeWithoutWaiting() }
    }
}

/// One place in the pool: its connection once open, or the attempt to open it that callers
/// wait on together.
final class RedisConnectionSlot: Sendable {
    private enum State {
        case idle
        case connecting(EventLoopFuture<RedisClientConnection>)
        case connected(RedisClientConnection)
    }

    private let configuration: RedisConfiguration
    private let eventLoop: any EventLoop
    private let logger: Logger
    private let state = Mutex<State>(.idle)

    private enum Lookup {
        case open(RedisClientConnection)
        case opening(EventLoopFuture<RedisClientConnection>)
    }

    init(configuration: RedisConfiguration, eventLoop: any EventLoop, logger: Logger) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.logger = logger
    }

    /// Fails with a ``RedisError`` only: an open connection's requests fail with one already
    /// (no extra future per request to map errors), and so do the ones that wait for a connection.
    func send(_ bytes: ByteBuffer, count: Int) -> EventLoopFuture<[RedisReply]> {
        send { $0.send(bytes, count: count) }
    }

    /// One command, answered with its reply's bytes (``RedisClientConnection/sendForBytes(_:)``).
    func sendForBytes(_ bytes: ByteBuffer) -> EventLoopFuture<ByteBuffer> {
        send { $0.sendForBytes(bytes) }
    }

    private func send<Reply: Sendable>(_ request: @escaping @Sendable (RedisClientConnection) -> EventLoopFuture<Reply>) -> EventLoopFuture<Reply> {
        switch connection() {
        case .open(let open): return request(open)
        case .opening(let pending):
            let endpoint = configuration.endpoint
            return pending.flatMap(request).flatMapErrorThrowing { error in
                throw error as? RedisError ?? .connectionFailed(endpoint: endpoint, detail: "\(error)")
            }
        }
    }

    func close() async {
        await takeConnection()?.close()
    }

    func closeWithoutWaiting() {
        takeConnection()?.channel.close(promise: nil)
    }

    private func takeConnection() -> RedisClientConnection? {
        state.withLock { state -> RedisClientConnection? in
            defer { state = .idle }
            if case .connected(let connection) = state { return connection }
            return nil
        }
    }

    /// The open connection, or the future of one being opened.
    private func connection() -> Lookup {
        state.withLock { state in
            switch state {
            case .connected(let connection) where connection.isActive:
                return .open(connection)
            case .connecting(let future):
                return .opening(future)
            case .idle, .connected:
                let reconnecting: Bool
                if case .connected = state { reconnecting = true } else { reconnecting = false }
                let future = connect(attempt: 1, delay: .milliseconds(50))
                state = .connecting(future)
                future.whenComplete { [self] result in
                    self.state.withLock { state in
                        switch result {
                        case .success(let connection): state = .connected(connection)
                        case .failure: state = .idle
                        }
                    }
                    if case .success = result, reconnecting {
                        logger.info("reconnected to Redis", metadata: ["endpoint": "\(configuration.endpoint)"])
                    }
                }
                return .opening(future)
            }
        }
    }

    private func connect(attempt: Int, delay: TimeAmount) -> EventLoopFuture<RedisClientConnection> {
        RedisClientConnection.connect(configuration: configuration, on: eventLoop).flatMapError { [self] error in
            guard attempt < configuration.reconnectAttempts else { return eventLoop.makeFailedFuture(error) }
            return eventLoop.scheduleTask(in: delay) {}.futureResult.flatMap {
                self.connect(attempt: attempt + 1, delay: min(delay * 2, .seconds(2)))
            }
        }
    }
}
