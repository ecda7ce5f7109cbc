/// A failure talking to MySQL/MariaDB, classified so callers can react to the common cases.
public enum MySQLError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Nothing answered at the endpoint: no connection could be opened.
    case connectionRefused(endpoint: String, detail: String)
    /// An open connection broke during a statement (the server restarted or shut down, the
    /// connection was killed, or the network timed out). The server may well be reachable.
    case connectionLost(endpoint: String, detail: String)
    /// The server rejected the user or password.
    case authenticationFailed(user: String, endpoint: String)
    /// The SQL text does not parse.
    case syntax(String)
    /// A unique or primary key already holds the value.
    case duplicateKey(String)
    /// Any other server error, with MySQL's error number and SQLSTATE.
    case server(code: Int, sqlState: String, message: String)
    /// A `mysql://` URL could not be understood.
    case invalidURL(reason: String)
    /// A column value could not be read as the requested Swift type.
    case typeMismatch(column: String, expected: String, got: String)
    /// The statement has a different number of `?` placeholders than values given.
    case parameterCount(expected: Int, got: Int)

    public var description: String {
        switch self {
        case .connectionRefused(let endpoint, let detail): "cannot reach MySQL at \(endpoint): \(detail)"
        case .connectionLost(let endpoint, let detail):
            "the connection to MySQL at \(endpoint) broke during a statement (server restart, killed connection or timeout): \(detail)"
        case .authenticationFailed(let user, let endpoint): "MySQL at \(endpoint) rejected user \(user): check the user name and password"
        case .syntax(let message): "SQL syntax error: \(message)"
        case .duplicateKey(let message): "duplicate key: \(message)"
        case .server(let code, let sqlState, let message): "MySQL error \(code) (\(sqlState)): \(message)"
        case .invalidURL(let reason): "invalid MySQL URL: \(reason)"
        case .typeMismatch(let column, let expected, let got): "column \(column): expected \(expected), got \(got)"
        case .parameterCount(let expected, let got): "statement takes \(expected) parameter(s), \(got) given"
        }
    }

    /// MySQL's error number where the server gave one.
    public var serverCode: Int? {
        switch self {
        case .syntax: 1064
        case .duplicateKey: 1062
        case .server(let code, _, _): code
        default: nil
        }
    }

    /// `true` when the connection is unusable (never opened, or broken): the statement may
    /// succeed on a new connection.
    public var isConnectionFailure: Bool {
        switch self {
        case .connectionRefused, .connectionLost: true
        default: false
        }
    }

    /// Classifies an error number from the client library or the server.
    static func classify(code: UInt32, sqlState: String, message: String, configuration: MySQLConfiguration) -> MySQLError {
        switch code {
        case 2002, 2003, 2005, 2026: .connectionRefused(endpoint: configuration.endpoint, detail: message)
        // Gone away, lost during a query, lost (system error), killed, server shutting down,
        // disconnected for inactivity (MySQL 8).
        case 2006, 2013, 2055, 1927, 1053, 4031: .connectionLost(endpoint: configuration.endpoint, detail: message)
        case 1045, 1044, 1698: .authenticationFailed(user: configuration.user, endpoint: configuration.endpoint)
        case 1064: .syntax(message)
        case 1062, 1586: .duplicateKey(message)
        default: .server(code: Int(code), sqlState: sqlState, message: message)
        }
    }
}
