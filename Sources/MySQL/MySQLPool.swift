import Dispatch
import Synchronization

/// A small pool: each caller gets a connection of its own for the length of a closure.
/// Connections are opened lazily, up to `size`; one that failed with a connection error is
/// dropped instead of being returned.
public final class MySQLPool: Sendable {
    public let configuration: MySQLConfiguration
    private let idle = Mutex<[MySQLConnection]>([])
    private let permits: DispatchSemaphore

    public init(configuration: MySQLConfiguration, size: Int = 4) {
        self.configuration = configuration
        permits = DispatchSemaphore(value: max(1, size))
    }

    public func withConnection<R>(_ body: (MySQLConnection) throws -> R) throws -> R {
        permits.wait()
        defer { permits.signal() }
        let connection = try idle.withLock { $0.popLast() } ?? MySQLConnection(configuration: configuration)
        do {
            let result = try body(connection)
            idle.withLock { $0.append(connection) }
            return result
        } catch let error as MySQLError {
            if case .connectionRefused = error {} else { idle.withLock { $0.append(connection) } }
            throw error
        } catch {
            idle.withLock { $0.append(connection) }
            throw error
        }
    }
}
