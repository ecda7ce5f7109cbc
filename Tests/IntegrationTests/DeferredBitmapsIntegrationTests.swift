@testable import PortraitProcessor
import Redis
import Testing

/// A recompute's bitmaps, built in memory and written once, hold exactly the bytes Redis makes
/// of the same changes sent as `BITFIELD`s one flush at a time (database 19 is this suite's).
@Suite(.serialized) struct DeferredBitmapsIntegrationTests {
    @Test func writtenBitmapsEqualTheBitfieldsTheyReplace() throws {
        let redis = try TestServices.emptiedRedis(database: 19)
        // Two flushes: bits set, one cleared again, a bitmap only ever cleared (Redis creates
        // it, zero-filled to the offset), offsets across bytes and one far out.
        let flushes: [[String: [(offset: Int64, bit: Int)]]] = [
            ["bm:a:0": [(0, 1), (7, 1), (8, 1), (1_000, 1)], "bm:b:0": [(3, 1)], "pop:0": [(0, 1), (9, 1)]],
            ["bm:a:0": [(7, 0), (8_388_607, 1)], "bm:c:0": [(20, 0)], "pop:0": [(10, 1)]],
        ]
        let deferred = DeferredBitmaps()
        for flush in flushes {
            deferred.apply(flush)
            for (key, operations) in flush {
                try redis.command(["BITFIELD", "expected:" + key] + operations.flatMap { ["SET", "u1", String($0.offset), String($0.bit)] })
            }
        }
        try deferred.write(to: redis)

        let keys = Set(flushes.flatMap(\.keys))
        #expect(Set(deferred.contents.keys) == keys)
        for key in keys.sorted() {
            let expected = try redis.command("GET", "expected:" + key).bytes
            let written = try redis.command("GET", key).bytes
            #expect(written == expected, "\(key)")
            #expect(expected?.isEmpty == false)
        }
        #expect(try redis.command("BITCOUNT", "bm:a:0").int == 4)
        #expect(try redis.command("GETBIT", "bm:a:0", 7).int == 0)
    }
}
