internal import CHiredis
import Foundation
import Logging
import Synchronization

/// One connection to Redis over hiredis. Calls block the calling thread; the connection is
/// locked internally, so it may be shared, but a `RedisPool` gives each caller its own.
///
/// A broken connection is re-established (with doubling backoff) before the *next* command;
/// the command that saw the failure is not retried, because it may have been applied.
public final class RedisConnection: Sendable {
    public let configuration: RedisConfiguration
    private let state: Mutex<ContextBox>
    private let logger: Logger

    public init(configuration: RedisConfiguration, logger: Logger = Logger(label: "portrait.redis")) throws(RedisError) {
        self.configuration = configuration
        self.logger = logger
        let context = try Self.connect(configuration)
        state = Mutex(ContextBox(context: context))
    }

    public convenience init(url: String) throws(RedisError) {
        try self.init(configuration: RedisConfiguration(url: url))
    }

    deinit {
        state.withLock { box in
            if let context = box.context { redisFree(context) }
        }
    }

    /// Sends one command and waits for its reply; an error reply is thrown as `.server`.
    @discardableResult
    public func command(_ arguments: any RedisArgument...) throws(RedisError) -> RedisReply {
        try command(arguments)
    }

    /// Sends one command and waits for its reply; an error reply is thrown as `.server`.
    @discardableResult
    public func command(_ arguments: [any RedisArgument]) throws(RedisError) -> RedisReply {
        try pipeline { (pipe: inout RedisPipeline) throws(RedisError) in pipe.append(arguments) }[0].throwIfError()
    }

    /// Sends many commands in one write and reads all replies (error replies stay in the array).
    public func pipeline(_ commands: [[any RedisArgument]]) throws(RedisError) -> [RedisReply] {
        try pipeline { (pipe: inout RedisPipeline) throws(RedisError) in
            for arguments in commands { pipe.append(arguments) }
        }
    }

    /// `commands` in one `MULTI`/`EXEC`, in one round trip: Redis runs them with nothing in
    /// between (no other client's write, no `SWAPDB`), so a reader of several keys sees them
    /// as of one moment. The replies of `commands`, in order.
    public func transaction(_ commands: [[any RedisArgument]]) throws(RedisError) -> [RedisReply] {
        let replies = try pipeline([["MULTI"]] + commands + [["EXEC"]])
        switch replies.last {
        case .array(let results)?: return results
        case .error(let message)?: throw .server(message)  // EXECABORT: a command was refused when queued
        case let other: throw .unexpectedReply(expected: "EXEC array", got: other.map { "\($0)" } ?? "nothing")
        }
    }

    /// Lets `build` append commands straight into the output buffer, then reads every reply.
    public func pipeline(_ build: (inout RedisPipeline) throws(RedisError) -> Void) throws(RedisError) -> [RedisReply] {
        try withContext { (context: UnsafeMutablePointer<redisContext>) throws(RedisError) -> [RedisReply] in
            var pipe = RedisPipeline(context: context)
            try build(&pipe)
            if let failure = pipe.failure { throw failure }
            return try Self.replies(pipe.count, from: context)
        }
    }

    /// Runs `body` on the context under the lock: connected first (`reconnecting`), or, for
    /// replies owed on this connection, refused if it broke (a new connection owes nothing).
    /// A connection error from `body` marks the connection broken.
    func withContext<Result: Sendable>(
        reconnecting: Bool = true, _ body: (UnsafeMutablePointer<redisContext>) throws(RedisError) -> Result
    ) throws(RedisError) -> Result {
        try state.withLock { (box: inout ContextBox) throws(RedisError) -> Result in
            let context: UnsafeMutablePointer<redisContext>
            if reconnecting {
                context = try ensureConnected(&box)
            } else {
                guard let current = box.context, !box.broken else { throw .connectionFailed(endpoint: configuration.endpoint, detail: "connection lost before its replies were read") }
                context = current
            }
            do throws(RedisError) {
                return try body(context)
            } catch {
                if case .connectionFailed = error {
                    box.broken = true
                    throw context.pointee.err != 0 ? connectionError(context) : error
                }
                throw error
            }
        }
    }

    /// Runs `script` by SHA, loading it first (or again after `SCRIPT FLUSH`) when Redis lacks it.
    @discardableResult
    public func evaluate(_ script: RedisScript, keys: [any RedisArgument] = [], arguments: [any RedisArgument] = []) throws(RedisError) -> RedisReply {
        let sha: String
        if let known = script.knownSHA { sha = known } else { sha = try load(script) }
        do throws(RedisError) {
            return try command(["EVALSHA", sha, keys.count] + keys + arguments)
        } catch where error.serverCode == "NOSCRIPT" {
            let reloaded = try load(script)
            return try command(["EVALSHA", reloaded, keys.count] + keys + arguments)
        }
    }

    /// Loads `script` (once) and returns its SHA, for `EVALSHA` inside a pipeline; a pipeline
    /// that meets `NOSCRIPT` should call ``reload(_:)`` and run again.
    public func prepare(_ script: RedisScript) throws(RedisError) -> String {
        if let known = script.knownSHA { return known }
        return try load(script)
    }

    /// Loads `script` again (after Redis forgot it) and returns its SHA.
    public func reload(_ script: RedisScript) throws(RedisError) -> String {
        try load(script)
    }

    private func load(_ script: RedisScript) throws(RedisError) -> String {
        let reply = try command("SCRIPT", "LOAD", script.source)
        guard let sha = reply.string else { throw .unexpectedReply(expected: "script SHA", got: reply.description) }
        script.remember(sha: sha)
        return sha
    }

    private func ensureConnected(_ box: inout ContextBox) throws(RedisError) -> UnsafeMutablePointer<redisContext> {
        if let context = box.context, !box.broken, context.pointee.err == 0 { return context }
        var delayMs = 50
        var lastError = RedisError.connectionFailed(endpoint: configuration.endpoint, detail: "not connected")
        for attempt in 1...max(1, configuration.reconnectAttempts) {
            do {
                let fresh = try Self.connect(configuration)
                if let old = box.context { redisFree(old) }
                box.context = fresh
                box.broken = false
                logger.info("reconnected to Redis", metadata: ["endpoint": "\(configuration.endpoint)", "attempt": "\(attempt)"])
                return fresh
            } catch {
                lastError = error
                usleep(useconds_t(delayMs * 1_000))
                delayMs = min(delayMs * 2, 2_000)
            }
        }
        throw lastError
    }

    private func connectionError(_ context: UnsafeMutablePointer<redisContext>) -> RedisError {
        .connectionFailed(endpoint: configuration.endpoint, detail: Self.errorText(context))
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    private static func connect(_ configuration: RedisConfiguration) throws(RedisError) -> UnsafeMutablePointer<redisContext> {
        let timeout = timeval(tv_sec: configuration.timeoutMs / 1_000, tv_usec: (configuration.timeoutMs % 1_000) * 1_000)
        guard let context = redisConnectWithTimeout(configuration.host, Int32(configuration.port), timeout) else {
            throw .connectionFailed(endpoint: configuration.endpoint, detail: "out of memory")
        }
        if context.pointee.err != 0 {
            let detail = errorText(context)
            redisFree(context)
            throw .connectionFailed(endpoint: configuration.endpoint, detail: detail)
        }
        redisSetTimeout(context, timeout)
        var setup: [[any RedisArgument]] = []
        if let password = configuration.password { setup.append(["AUTH", password]) }
        if configuration.database != 0 { setup.append(["SELECT", configuration.database]) }
        var pipe = RedisPipeline(context: context)
        for command in setup { pipe.append(command) }
        let replies: [RedisReply]
        do throws(RedisError) {
            replies = try Self.replies(pipe.count, from: context)
        } catch {
            let detail = errorText(context)
            redisFree(context)
            throw .connectionFailed(endpoint: configuration.endpoint, detail: detail)
        }
        for case .error(let message) in replies {  // the first refusal (a wrong password) says why
            redisFree(context)
            throw .connectionFailed(endpoint: configuration.endpoint, detail: message)
        }
        return context
    }
}

/// The hiredis context, owned by the connection's lock.
struct ContextBox {
    var context: UnsafeMutablePointer<redisContext>?
    var broken = false
}
