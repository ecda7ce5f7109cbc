/// What the async face of the `Redis` module offers on one connection or a pool: everything
/// is built on ``pipeline(_:)``, so both faces (blocking ``RedisConnection``, async
/// ``RedisClient``) share replies, errors, arguments and scripts.
public protocol RedisCommandSending: Sendable {
    /// Sends `commands` in one write and returns their replies in order (error replies stay
    /// in the array).
    func pipeline(_ commands: [[any RedisArgument]]) async throws(RedisError) -> [RedisReply]
}

extension RedisCommandSending {
    /// Sends one command; an error reply is thrown as ``RedisError/server(_:)``.
    @discardableResult
    public func command(_ arguments: [any RedisArgument]) async throws(RedisError) -> RedisReply {
        try await pipeline([arguments])[0].throwIfError()
    }

    /// Sends one command; variadic form of ``command(_:)-([any RedisArgument])``.
    @discardableResult
    public func command(_ arguments: any RedisArgument...) async throws(RedisError) -> RedisReply {
        try await command(arguments)
    }

    /// `commands` inside `MULTI`/`EXEC`, in one write: Redis runs them with nothing in between
    /// (no other client's write, no `SWAPDB`), so several keys are read as of one moment.
    /// The replies of `commands`, in order.
    public func transaction(_ commands: [[any RedisArgument]]) async throws(RedisError) -> [RedisReply] {
        let replies = try await pipeline([["MULTI"]] + commands + [["EXEC"]])
        switch replies.last {
        case .array(let results)?: return results
        case .error(let message)?: throw .server(message)  // EXECABORT: a command was refused when queued
        case let other: throw .unexpectedReply(expected: "EXEC array", got: other.map { "\($0)" } ?? "nothing")
        }
    }

    /// Runs `script` by SHA, loading it first, and again when Redis answers `NOSCRIPT` (after
    /// a restart or `SCRIPT FLUSH`).
    @discardableResult
    public func evaluate(_ script: RedisScript, keys: [any RedisArgument] = [], arguments: [any RedisArgument] = []) async throws(RedisError) -> RedisReply {
        let sha: String
        if let known = script.knownSHA { sha = known } else { sha = try await load(script) }
        do throws(RedisError) {
            return try await command(["EVALSHA", sha, keys.count] + keys + arguments)
        } catch where error.serverCode == "NOSCRIPT" {
            let reloaded = try await load(script)
            return try await command(["EVALSHA", reloaded, keys.count] + keys + arguments)
        }
    }

    private func load(_ script: RedisScript) async throws(RedisError) -> String {
        let reply = try await command("SCRIPT", "LOAD", script.source)
        guard let sha = reply.string else { throw .unexpectedReply(expected: "script SHA", got: reply.description) }
        script.remember(sha: sha)
        return sha
    }
}
