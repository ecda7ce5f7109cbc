/// Where Redis is and how to talk to it.
public struct RedisConfiguration: Sendable, Equatable {
    /// Default: `127.0.0.1`.
    public var host: String
    /// Default: 6379.
    public var port: Int
    /// Logical database selected after connecting. Default: 0.
    public var database: Int
    /// Secret for `AUTH`; never logged. Default: none.
    public var password: String?
    /// Connect and I/O timeout. Default: 5 000 ms.
    public var timeoutMs: Int
    /// Reconnect attempts before a command fails, with doubling backoff from 50 ms. Default: 5.
    public var reconnectAttempts: Int

    public init(host: String = "127.0.0.1", port: Int = 6379, database: Int = 0, password: String? = nil, timeoutMs: Int = 5_000, reconnectAttempts: Int = 5) {
        self.host = host
        self.port = port
        self.database = database
        self.password = password
        self.timeoutMs = timeoutMs
        self.reconnectAttempts = reconnectAttempts
    }

    /// Parses `redis://[:password@]host[:port][/db]`.
    public init(url: String) throws(RedisError) {
        let prefix = "redis://"
        guard url.hasPrefix(prefix) else { throw .invalidURL(reason: "must start with redis://") }
        var rest = Substring(url.dropFirst(prefix.count))
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            password = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).last.map(String.init)
            rest = rest[rest.index(after: at)...]
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let text = rest[rest.index(after: slash)...]
            guard text.isEmpty || Int(text) != nil else { throw .invalidURL(reason: "database must be a number") }
            database = Int(text) ?? 0
            rest = rest[..<slash]
        }
        var port = 6379
        if let colon = rest.lastIndex(of: ":") {
            guard let parsed = Int(rest[rest.index(after: colon)...]), (1...65535).contains(parsed) else {
                throw .invalidURL(reason: "port must be 1-65535")
            }
            port = parsed
            rest = rest[..<colon]
        }
        guard !rest.isEmpty else { throw .invalidURL(reason: "missing host") }
        self.init(host: String(rest), port: port, database: database, password: password?.isEmpty == true ? nil : password)
    }

    /// `host:port`, for messages.
    public var endpoint: String { "\(host):\(port)" }
}
