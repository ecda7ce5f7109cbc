import Dispatch
import Synchronization

/// A small pool: each caller gets a connection of its own for the length of a closure.
/// Connections are opened lazily, up to `size`.
///
/// A connection that fails with a connection error is dropped, never returned, and so are the
/// idle ones: a broken connection usually means the server restarted, which broke them all.
/// Statements that are safe to run twice (`idempotent: true`) are then run once more on a
/// freshly opened connection; others are not, since the lost one may have been applied.
public final class MySQLPool: Sendable {
    public let configuration: MySQLConfiguration
    private let idle: Mutex<[MySQLConnection]>
    private let permits: DispatchSemaphore

    public init(configuration: MySQLConfiguration, size: Int = 4) {
        self.configuration = configuration
        idle = Mutex([])
        permits = DispatchSemaphore(value: max(1, size))
    }

    /// A pool of one that starts with `connection` (for code handed a single connection).
    public init(adopting connection: MySQLConnection) {
        configuration = connection.configuration
        idle = Mutex([connection])
        permits = DispatchSemaphore(value: 1)
    }

    /// Runs `body` on a pooled connection. With `idempotent`, a connection found broken is
    /// replaced and `body` runs once more; the second failure is thrown. A `MySQLError` that
    /// `body` wraps in another error is not seen, so throw connection errors as they are.
    @discardableResult
    public func withConnection<R>(idempotent: Bool = false, _ body: (MySQLConnection) throws -> R) throws -> R {
        permits.wait()
        defer { permits.signal() }
        let pooled = idle.withLock { $0.popLast() }
        let connection = try pooled ?? MySQLConnection(configuration: configuration)
        do {
            return try run(body, on: connection)
        } catch let error as MySQLError where error.isConnectionFailure && idempotent {
            // A fresh connection, not another idle one: those predate the break too. Opening it
            // throws `connectionRefused` when the server is really unreachable.
            return try run(body, on: MySQLConnection(configuration: configuration))
        }
    }

    /// `body` on `connection`, which goes back to the idle list unless it broke.
    private func run<R>(_ body: (MySQLConnection) throws -> R, on connection: MySQLConnection) throws -> R {
        do {
            let result = try body(connection)
            idle.withLock { $0.append(connection) }
            return result
        } catch let error as MySQLError where error.isConnectionFailure {
            idle.withLock { $0.removeAll() }
            throw error
        } catch {
            idle.withLock { $0.append(connection) }
            throw error
        }
    }
}
