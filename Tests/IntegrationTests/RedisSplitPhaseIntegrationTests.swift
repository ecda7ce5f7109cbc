import Redis
import Testing

/// A flush lane sends a transaction and reads its answer later (`send`, `receiveTransaction`),
/// building the next one meanwhile: every way a transaction ends must come back as it did.
@Suite("Split-phase transactions against a real Redis")
struct RedisSplitPhaseIntegrationTests {
    /// Database 17: no other test uses it (the shared scratch database is emptied by others).
    @Test func eachWayATransactionEndsIsReported() throws {
        let redis = try TestServices.emptiedRedis(database: 17)
        defer { _ = try? redis.command("FLUSHDB") }
        let other = try RedisConnection(configuration: redis.configuration)

        // Committed: the answer is read after other work, and the writes are there.
        let queued = try redis.send { pipe in
            pipe.append("MULTI")
            pipe.append("SET", "s", "1")
            pipe.append("RPUSH", "l", "a")
            pipe.append("EXEC")
        } - 2
        #expect(queued == 2)
        #expect(try other.command("PING").string == "PONG", "another connection is served meanwhile")
        #expect(try redis.receiveTransaction(queued: queued) == .committed)
        #expect(try redis.command("GET", "s").string == "1")

        // Aborted: a watched key changed between the read and EXEC; nothing ran.
        try redis.command("WATCH", "s")
        try other.command("SET", "s", "2")
        _ = try redis.send { pipe in pipe.append("MULTI"); pipe.append("SET", "s", "3"); pipe.append("EXEC") }
        #expect(try redis.receiveTransaction(queued: 1) == .aborted)
        #expect(try redis.command("GET", "s").string == "2")

        // Failed: a command ran into the wrong type; the others were applied.
        _ = try redis.send { pipe in pipe.append("MULTI"); pipe.append("SET", "s", "4"); pipe.append("LPUSH", "s", "x"); pipe.append("EXEC") }
        guard case .failed(let message) = try redis.receiveTransaction(queued: 2) else { Issue.record("a failed command was not reported"); return }
        #expect(message.hasPrefix("WRONGTYPE"))
        #expect(try redis.command("GET", "s").string == "4")

        // Refused: a command unknown when queued aborts the whole transaction.
        _ = try redis.send { pipe in pipe.append("MULTI"); pipe.append("SET", "s", "5"); pipe.append("NOSUCHCOMMAND"); pipe.append("EXEC") }
        guard case .refused(let reason) = try redis.receiveTransaction(queued: 2) else { Issue.record("a refused transaction was not reported"); return }
        #expect(reason.hasPrefix("EXECABORT"))
        #expect(try redis.command("GET", "s").string == "4")

        // Plain replies owed by `send` are read in order by `receive`.
        let owed = try redis.send { pipe in pipe.append("INCR", "n"); pipe.append("INCR", "n") }
        #expect(try redis.receive(owed).map(\.int) == [1, 2])
    }
}
