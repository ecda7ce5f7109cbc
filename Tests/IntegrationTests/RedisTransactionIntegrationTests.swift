import Foundation
import Redis
import Synchronization
import Testing

@Suite("Redis transactions against a real Redis")
struct RedisTransactionIntegrationTests {
    /// Databases 2 and 14 (no other test uses them) hold the same keys with other values and are
    /// swapped over and over (what a recompute's switch does) while a reader reads both keys in
    /// one transaction: every read sees one database, never one key from each.
    @Test func aTransactionReadsSeveralKeysAsOfOneMoment() throws {
        let configuration = try TestServices.redisConfiguration(database: 2)
        let reader = try RedisConnection(configuration: configuration)
        // Enough keys that the request spans several of Redis's reads: a plain pipeline of them
        // is served in parts, with other clients' commands in between.
        let keys = (0..<2_000).map { "profile:\(String(repeating: "x", count: 40)):\($0)" }
        let swapper = try RedisConnection(configuration: configuration)
        for (database, value) in [(2, "a"), (14, "b")] {
            try reader.command("SELECT", database)
            try reader.command("FLUSHDB")
            try reader.pipeline(keys.map { ["SET", $0, value] })
        }
        try reader.command("SELECT", 2)
        defer { for database in [2, 14] { _ = try? reader.command("SELECT", database); _ = try? reader.command("FLUSHDB") } }

        let stop = Atomic<Bool>(false)
        let swaps = Atomic<Int>(0)
        let swapping = DispatchGroup()
        DispatchQueue.global().async(group: swapping) {
            while !stop.load(ordering: .relaxed) {
                _ = try? swapper.command("SWAPDB", 2, 14)
                swaps.add(1, ordering: .relaxed)
                Thread.sleep(forTimeInterval: 0.0005)  // often enough, without crowding other tests' Redis
            }
        }
        while swaps.load(ordering: .relaxed) < 2 { Thread.sleep(forTimeInterval: 0.001) }  // swapping has begun
        var seen: Set<String> = []
        for _ in 0..<150 {
            let values = Set(try reader.transaction(keys.map { ["GET", $0] }).map { $0.string ?? "?" })
            seen.insert(values.sorted().joined())
        }
        stop.store(true, ordering: .relaxed)
        swapping.wait()
        #expect(seen.isSubset(of: ["a", "b"]), "a read mixed the databases: \(seen)")
        #expect(seen == ["a", "b"], "reads saw both databases")
    }

    @Test func aRefusedCommandAbortsTheWholeTransaction() throws {
        let redis = try TestServices.scratchRedis()
        #expect(throws: RedisError.self) { try redis.transaction([["SET", "t", "1"], ["NOSUCHCOMMAND"]]) }
        #expect(try redis.command("GET", "t") == .null, "nothing of an aborted transaction ran")
        #expect(try redis.transaction([["SET", "t", "2"], ["GET", "t"]]).map(\.string) == ["OK", "2"])
    }
}
