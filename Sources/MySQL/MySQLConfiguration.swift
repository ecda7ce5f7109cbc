/// Where MySQL/MariaDB is and how to log in.
public struct MySQLConfiguration: Sendable, Equatable {
    /// Default: `127.0.0.1`.
    public var host: String
    /// Default: 3306.
    public var port: Int
    /// Default: `root`.
    public var user: String
    /// Secret; never logged. Default: empty.
    public var password: String
    /// The default schema; `nil` for none. Default: none.
    public var database: String?
    /// Connect timeout. Default: 5 s.
    public var connectTimeoutSeconds: Int
    /// Read/write timeout for one network operation. Default: 60 s.
    public var ioTimeoutSeconds: Int

    public init(host: String = "127.0.0.1", port: Int = 3306, user: String = "root", password: String = "", database: String? = nil, connectTimeoutSeconds: Int = 5, ioTimeoutSeconds: Int = 60) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.ioTimeoutSeconds = ioTimeoutSeconds
    }

    /// Parses `mysql://user[:password]@host[:port][/database]` (percent-encoding allowed in user and password).
    public init(url: String) throws(MySQLError) {
        let prefix = "mysql://"
        guard url.hasPrefix(prefix) else { throw .invalidURL(reason: "must start with mysql://") }
        var rest = Substring(url.dropFirst(prefix.count))
        var user = "root"
        var password = ""
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            user = Self.percentDecoded(credentials[0])
            if credentials.count > 1 { password = Self.percentDecoded(credentials[1]) }
            rest = rest[rest.index(after: at)...]
        }
        var database: String?
        if let slash = rest.firstIndex(of: "/") {
            let name = rest[rest.index(after: slash)...].prefix { $0 != "?" }
            database = name.isEmpty ? nil : String(name)
            rest = rest[..<slash]
        }
        var port = 3306
        if let colon = rest.lastIndex(of: ":") {
            guard let parsed = Int(rest[rest.index(after: colon)...]), (1...65535).contains(parsed) else {
                throw .invalidURL(reason: "port must be 1-65535")
            }
            port = parsed
            rest = rest[..<colon]
        }
        guard !rest.isEmpty else { throw .invalidURL(reason: "missing host") }
        guard !user.isEmpty else { throw .invalidURL(reason: "missing user") }
        self.init(host: String(rest), port: port, user: user, password: password, database: database)
    }

    /// `host:port`, for messages.
    public var endpoint: String { "\(host):\(port)" }

    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
