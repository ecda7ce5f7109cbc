/// A failure reading a binlog stream.
public enum BinlogError: Error, Sendable, CustomStringConvertible {
    /// Connecting to or querying the source failed.
    case connection(MySQLError)
    /// The replication stream failed (e.g. error 1236: the start position or GTID is not on the server).
    case replication(code: Int, message: String)
    /// An event could not be decoded; `position` is the end of that event.
    case decoding(BinlogDecodingError, eventType: UInt8, position: BinlogPosition)
    /// The source is not configured for row-based change capture.
    case unsuitableSource(String)
    /// The requested start is not a valid position or GTID set.
    case invalidStart(String)

    public var description: String {
        switch self {
        case .connection(let error): "binlog source: \(error)"
        case .replication(let code, let message): "binlog stream error \(code): \(message)"
        case .decoding(let error, let type, let position): "cannot decode event type \(type) ending at \(position): \(error)"
        case .unsuitableSource(let reason): "the source cannot be used for CDC: \(reason)"
        case .invalidStart(let reason): "invalid binlog start: \(reason)"
        }
    }
}

extension BinlogError {
    /// `true` when the connection to the source broke (server gone, restarted, connection
    /// killed): reconnecting from the last position may succeed.
    public var isConnectionLoss: Bool {
        switch self {
        case .connection(.connectionRefused), .connection(.connectionLost): true
        case .replication(let code, _): [1053, 1927, 2002, 2003, 2006, 2013, 2026, 2055].contains(code)
        default: false
        }
    }
}
