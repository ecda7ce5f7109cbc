import Redis
import Testing

@Suite("Redis client against a real Redis", .serialized)
struct RedisClientIntegrationTests {
    @Test func pipelinesTenThousandCommandsInOrder() throws {
        let redis = try TestServices.scratchRedis()
        let replies = try redis.pipeline { pipe in
            for index in 0..<10_000 { pipe.append("HSET", "p:{\(index % 100)}", "f\(index)", String(index)) }
        }
        #expect(replies.count == 10_000)
        #expect(replies.allSatisfy { $0 == .integer(1) })
        let reads = try redis.pipeline((0..<10_000).map { index in ["HGET", "p:{\(index % 100)}", "f\(index)"] })
        #expect(reads.enumerated().allSatisfy { index, reply in reply.string == String(index) })
        #expect(try redis.command("HLEN", "p:{7}").int == 100)
    }

    @Test func argumentsAreBinarySafe() throws {
        let redis = try TestServices.scratchRedis()
        let value: [UInt8] = [0, 255, 13, 10, 36, 42, 0]
        try redis.command("SET", "bin", value)
        #expect(try redis.command("GET", "bin") == .bulk(value))
        try redis.command("SET", "emoji 🙂 key", "値")
        #expect(try redis.command("GET", "emoji 🙂 key").string == "値")
        #expect(try redis.command("GET", "missing") == .null)
    }

    @Test func scriptSurvivesScriptFlush() throws {
        let redis = try TestServices.scratchRedis()
        let script = RedisScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
        #expect(try redis.evaluate(script, keys: ["counter"], arguments: [5]).int == 5)
        try redis.command("SCRIPT", "FLUSH")
        #expect(try redis.evaluate(script, keys: ["counter"], arguments: [2]).int == 7)
    }

    @Test func errorRepliesAreTypedAndLeaveTheConnectionUsable() throws {
        let redis = try TestServices.scratchRedis()
        try redis.command("SET", "text", "x")
        #expect { try redis.command("HGET", "text", "f") } throws: { error in
            (error as? RedisError)?.serverCode == "WRONGTYPE"
        }
        let replies = try redis.pipeline([["INCR", "text"], ["PING"]])
        #expect(replies[1] == .status("PONG"))
        if case .error = replies[0] {} else { Issue.record("expected an error reply, got \(replies[0])") }
    }

    @Test func poolLendsWorkingConnections() throws {
        let redis = try TestServices.scratchRedis()
        let pool = RedisPool(configuration: try TestServices.redisConfiguration(database: 15), size: 2)
        let counts = try (0..<6).map { _ in
            try pool.withConnection { connection in try connection.command("INCR", "pooled").int ?? 0 }
        }
        #expect(counts == [1, 2, 3, 4, 5, 6])
        #expect(try redis.command("GET", "pooled").int == 6)
    }

    @Test func reconnectsAfterTheServerDropsTheConnection() throws {
        let redis = try TestServices.scratchRedis()
        let id = try #require(try redis.command("CLIENT", "ID").int)
        try TestServices.scratchRedis().command("CLIENT", "KILL", "ID", id)
        // The command that meets the dead socket fails (it may or may not have been applied)...
        #expect(throws: RedisError.self) { try redis.command("PING") }
        // ...and the next one runs on a fresh connection, on the same database.
        #expect(try redis.command("PING") == .status("PONG"))
        #expect(try redis.command("CLIENT", "ID").int != id)
        try redis.command("SET", "after-reconnect", "1")
        #expect(try RedisConnection(configuration: TestServices.redisConfiguration(database: 15)).command("GET", "after-reconnect").string == "1")
    }

    @Test func unreachableRedisIsOneClearError() throws {
        let port = TestServices.closedPort()
        #expect {
            try RedisConnection(configuration: RedisConfiguration(port: port, timeoutMs: 1_000, reconnectAttempts: 1))
        } throws: { error in
            guard case .connectionFailed(let endpoint, _) = error as? RedisError else { return false }
            return endpoint == "127.0.0.1:\(port)" && "\(error)".contains("cannot reach Redis at 127.0.0.1:\(port)")
        }
    }

    @Test func urlParsingAcceptsPasswordAndDatabase() throws {
        let configuration = try RedisConfiguration(url: "redis://:s3cret@cache.internal:6380/3")
        #expect(configuration.host == "cache.internal")
        #expect(configuration.port == 6380)
        #expect(configuration.database == 3)
        #expect(configuration.password == "s3cret")
        #expect(throws: RedisError.self) { try RedisConfiguration(url: "http://x") }
        #expect(throws: RedisError.self) { try RedisConfiguration(url: "redis://host:99999") }
    }
}
