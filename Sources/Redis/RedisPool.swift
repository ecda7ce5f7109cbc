import Dispatch
import Logging
import Synchronization

/// A fixed-size pool: each caller gets a connection of its own for the length of a closure.
public final class RedisPool: Sendable {
    public let configuration: RedisConfiguration
    private let idle = Mutex<[RedisConnection]>([])
    private let permits: DispatchSemaphore
    private let logger: Logger

    /// Connections are opened lazily, up to `size`.
    public init(configuration: RedisConfiguration, size: Int = 4, logger: Logger = Logger(label: "portrait.redis.pool")) {
        self.configuration = configuration
        self.permits = DispatchSemaphore(value: max(1, size))
        self.logger = logger
    }

    /// Lends a connection to `body`, waiting while all are in use.
    public func withConnection<R>(_ body: (RedisConnection) throws -> R) throws -> R {
        permits.wait()
        defer { permits.signal() }
        let connection = try idle.withLock { $0.popLast() } ?? RedisConnection(configuration: configuration, logger: logger)
        defer { idle.withLock { $0.append(connection) } }
        return try body(connection)
    }
}
