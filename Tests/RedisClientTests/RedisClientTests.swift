import NIOCore
import NIOPosix
import Redis
import Testing

/// The async face of the `Redis` module against the real Redis: pipelining under load,
/// transactions between pipelines, broken connections, scripts, binary values.
@Suite("Redis client (NIO), integration")
struct RedisClientTests {
    let configuration = RedisClientTestServices.configuration

    @Test("10k concurrent commands from many tasks each get their own answer, on one connection and on the pool")
    func concurrentCommands() async throws {
        let connection = try await RedisClientConnection.connect(configuration: configuration)
        let client = RedisClient(configuration: configuration)
        for sender in [connection as any RedisCommandSending, client] {
            let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<10_000 {
                    group.addTask {
                        let reply = try await sender.command("ECHO", "answer-\(index)")
                        return reply.string == "answer-\(index)" ? 0 : 1
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(mismatches == 0)
        }
        await connection.close()
        await client.close()
    }

    @Test("Transactions interleaved with pipelines on one connection stay atomic and in order")
    func transactionsBetweenPipelines() async throws {
        let connection = try await RedisClientConnection.connect(configuration: configuration)
        let key = RedisClientTestServices.prefix("multi") + "counter"
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<400 {
                group.addTask {
                    if index.isMultiple(of: 2) {
                        // INCR then GET with nothing in between: GET sees exactly what INCR made.
                        let replies = try await connection.transaction([["INCR", key], ["GET", key]])
                        return replies.count == 2 && replies[0].int != nil && replies[0].int == replies[1].int
                    } else {
                        let replies = try await connection.pipeline([["INCR", key], ["INCR", key], ["INCR", key]])
                        let values = replies.compactMap(\.int)
                        return values.count == 3 && values[1] == values[0] + 1 && values[2] == values[1] + 1
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.allSatisfy { $0 })
        #expect(try await connection.command("GET", key).int == 200 * 1 + 200 * 3)
        #expect(try await connection.command("DEL", key).int == 1)
        await connection.close()
    }

    @Test("A queued transaction error is thrown, not hidden")
    func transactionAbort() async throws {
        let connection = try await RedisClientConnection.connect(configuration: configuration)
        await #expect(throws: RedisError.self) { try await connection.transaction([["NOT-A-COMMAND"]]) }
        #expect(try await connection.command("PING").string == "PONG")  // the connection is still usable
        await connection.close()
    }

    @Test("A connection killed mid-pipeline fails every waiting caller; nothing hangs")
    func killedMidPipeline() async throws {
        // BLPOP waits forever: the client's own reply timeout must not be what closes it.
        var patient = configuration
        patient.timeoutMs = 600_000
        let connection = try await RedisClientConnection.connect(configuration: patient)
        let id = try #require(try await connection.command("CLIENT", "ID").int)
        let blocked = RedisClientTestServices.prefix("kill") + "never-pushed"
        let failures = try await withThrowingTaskGroup(of: Bool.self) { group in
            // BLPOP holds the connection; every command sent after it waits behind it.
            group.addTask { await Self.fails { try await connection.command("BLPOP", blocked, 0) } }
            try await Self.waitUntil(clientID: id) { $0.contains("cmd=blpop") }
            var queuedBytes = 0
            for index in 0..<100 {
                let text = "queued-\(index)"
                queuedBytes += "*2\r\n$4\r\nECHO\r\n$\(text.utf8.count)\r\n\(text)\r\n".utf8.count
                group.addTask { await Self.fails { try await connection.command("ECHO", text) } }
            }
            // Redis holds them unread in the client's query buffer until BLPOP returns.
            try await Self.waitUntil(clientID: id) { Self.field("qbuf", of: $0).map { $0 >= queuedBytes } ?? false }
            let killer = try await RedisClientConnection.connect(configuration: configuration)
            #expect(try await killer.command("CLIENT", "KILL", "ID", id).int == 1)
            await killer.close()
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(failures.count == 101)
        #expect(failures.allSatisfy { $0 })
        #expect(!connection.isActive)
        // Later commands on the dead connection fail at once as well.
        #expect(await Self.fails { try await connection.command("PING") })
    }

    @Test("The pool reconnects a killed connection on its next use")
    func poolReconnects() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let client = RedisClient(configuration: configuration, group: group, connectionsPerEventLoop: 1)
        let id = try #require(try await client.command("CLIENT", "ID").int)
        let killer = try await RedisClientConnection.connect(configuration: configuration)
        #expect(try await killer.command("CLIENT", "KILL", "ID", id).int == 1)
        await killer.close()
        // The kill may reach the client before or after the next command is written: either
        // that command fails or it is answered on a new connection; the one after always works.
        _ = try? await client.command("PING")
        let newID = try #require(try await client.command("CLIENT", "ID").int)
        #expect(newID != id)
        await client.close()
        try await group.shutdownGracefully()
    }

    @Test("Nothing listening: the command fails with connectionFailed instead of hanging")
    func unreachable() async throws {
        var unreachable = configuration
        unreachable.port = 1  // privileged and unused on loopback: refused at once
        unreachable.reconnectAttempts = 2
        let client = RedisClient(configuration: unreachable)
        await #expect {
            try await client.command("PING")
        } throws: { error in
            if case RedisError.connectionFailed = error { true } else { false }
        }
    }

    @Test("EVALSHA is reloaded after SCRIPT FLUSH (NOSCRIPT)")
    func noscriptReload() async throws {
        let client = RedisClient(configuration: configuration)
        let key = RedisClientTestServices.prefix("script") + "value"
        let script = RedisScript("redis.call('SET', KEYS[1], ARGV[1]); return redis.call('GET', KEYS[1])")
        #expect(try await client.evaluate(script, keys: [key], arguments: ["first"]).string == "first")
        try await client.command("SCRIPT", "FLUSH")
        #expect(try await client.evaluate(script, keys: [key], arguments: ["second"]).string == "second")
        try await client.command("DEL", key)
        await client.close()
    }

    @Test("Values and keys are binary-safe: every byte, CRLF, NUL, empty, 1 MiB")
    func binarySafe() async throws {
        let client = RedisClient(configuration: configuration)
        let prefix = RedisClientTestServices.prefix("binary")
        let everyByte = (0...255).map(UInt8.init) + Array("\r\n$3\r\n*1\r\n".utf8)
        let large = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let key = Array(prefix.utf8) + [0, 13, 10, 255]
        let values: [[UInt8]] = [everyByte, [], [0], large]
        for value in values {
            try await client.command(["SET", key, value])
            #expect(try await client.command(["GET", key]).bytes == value)
        }
        let replies = try await client.pipeline(values.enumerated().map { ["ECHO", $0.element] as [any RedisArgument] })
        #expect(replies.map(\.bytes) == values.map { Optional($0) })
        try await client.command(["DEL", key])
        await client.close()
    }

    /// Whether `body` threw a ``RedisError``.
    private static func fails(_ body: () async throws -> RedisReply) async -> Bool {
        do { _ = try await body(); return false } catch { return error is RedisError }
    }

    /// Waits (polling CLIENT LIST, up to 60 s: the whole suite may be running beside it) until
    /// client `clientID`'s line satisfies `condition`.
    private static func waitUntil(clientID: Int64, _ condition: (String) -> Bool) async throws {
        let observer = try await RedisClientConnection.connect(configuration: RedisClientTestServices.configuration)
        for _ in 0..<6_000 {
            let line = try await observer.command("CLIENT", "LIST", "ID", clientID).string ?? ""
            if condition(line) { await observer.close(); return }
            try await Task.sleep(for: .milliseconds(10))
        }
        await observer.close()
        Issue.record("client \(clientID) never reached the expected state")
    }

    /// A numeric `name=value` field of a CLIENT LIST line.
    private static func field(_ name: String, of line: String) -> Int? {
        line.split(separator: " ").first { $0.hasPrefix("\(name)=") }.flatMap { Int($0.dropFirst(name.count + 1)) }
    }
}
