/// A failure talking to Redis.
public enum RedisError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The server could not be reached or the connection broke.
    case connectionFailed(endpoint: String, detail: String)
    /// Redis answered with an error reply (`ERR …`, `WRONGTYPE …`, `NOSCRIPT …`).
    case server(String)
    /// A reply had a shape the caller did not expect.
    case unexpectedReply(expected: String, got: String)
    /// A `redis://` URL could not be understood. The URL itself is left out: it may hold a
    /// password, and the caller knows which setting it came from.
    case invalidURL(reason: String)

    public var description: String {
        switch self {
        case .connectionFailed(let endpoint, let detail): "cannot reach Redis at \(endpoint): \(detail)"
        case .server(let message): "Redis error: \(message)"
        case .unexpectedReply(let expected, let got): "unexpected Redis reply: expected \(expected), got \(got)"
        case .invalidURL(let reason): "invalid Redis URL: \(reason)"
        }
    }

    /// The error code Redis put first in an error reply (`NOSCRIPT`, `WRONGTYPE`, `ERR`…).
    public var serverCode: String? {
        guard case .server(let message) = self else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }
}
