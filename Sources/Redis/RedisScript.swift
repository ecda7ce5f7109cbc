import Synchronization

/// A Lua script run by SHA. The SHA is learnt from `SCRIPT LOAD` the first time and re-learnt
/// whenever Redis answers `NOSCRIPT` (after a restart or `SCRIPT FLUSH`).
public final class RedisScript: Sendable {
    public let source: String
    private let sha = Mutex<String?>(nil)

    public init(_ source: String) {
        self.source = source
    }

    var knownSHA: String? { sha.withLock { $0 } }

    func remember(sha newSHA: String) {
        sha.withLock { $0 = newSHA }
    }
}
