import PortraitCore
@testable import PortraitProcessor
import Redis
import Testing

/// A profile hash written in the flat layout of before 2026-12-07 (one field per value) is
/// replaced by the sectioned one (``ProfileHash``) on the user's next write, in the same
/// transaction, and reads the same before and after. Database 18 is this suite's own.
@Suite struct ProfileHashLayoutIntegrationTests {
    @Test func theNextWriteOfAFlatHashReplacesItWithSections() throws {
        let redis = try TestServices.emptiedRedis(database: 18)
        let store = RedisProfileStore(connection: redis)
        var old = ProfileState(userId: "u1")
        old.denseId = 7
        old.clockMs = 1_000
        old.attributes = ["city": .string("Lyon")]
        old.metricValues = ["orders": .number(2), "spend": .number(12.5)]
        old.tags = ["buyer": .bool(true)]
        old.modelOutputs = ["model.churn.score": .number(0.25)]
        // As an older processor left it: flat fields, and a state blob of format 4 (same encoding).
        var blob = ProfileStateCodec.encode(old)
        blob[0] = 4
        try redis.command("SET", ProfileKeys.state("u1"), blob)
        try redis.command(["HSET", ProfileKeys.profile("u1"), "_id", "7", "_updated", "1"] + old.fields.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] })
        let before = try store.profile("u1")
        #expect(before["m.orders"] == "2" && before["a.city"] == "Lyon" && before["model.churn.score"] == "0.25")

        let loaded = try #require(try store.loadStates(["u1"]).first ?? nil)
        #expect(loaded.hashIsFlat)
        var held = HeldProfile(state: loaded.state, stored: WrittenValues(loaded.state), storedHashIsFlat: loaded.hashIsFlat)
        held.state.metricValues["orders"] = .number(3)
        #expect(try store.write([held.takeForWrite(partition: 0).write(tagVersions: [:])], updatedMs: 2) == [.written])

        #expect(Set(try redis.command("HKEYS", ProfileKeys.profile("u1")).array?.compactMap(\.string) ?? []) == ["_id", "_updated", "a", "m", "t", "model.churn.score"])
        var expected = held.state.fields
        expected["_id"] = "7"
        expected["_updated"] = "2"
        #expect(try store.profile("u1") == expected)
        #expect(try redis.command("HGET", ProfileKeys.profile("u1"), "m").string == #"{"orders":"3","spend":"12.5"}"#)
        #expect(try store.loadStates(["u1"]).first??.hashIsFlat == false)

        // Later writes set only the sections that changed; the flat fields stay gone.
        held.state.tags["buyer"] = .bool(false)
        #expect(try store.write([held.takeForWrite(partition: 0).write(tagVersions: [:])], updatedMs: 3) == [.written])
        expected["t.buyer"] = "false"
        expected["_updated"] = "3"
        #expect(try store.profile("u1") == expected)
        #expect(try redis.command("HLEN", ProfileKeys.profile("u1")).int == 6)
    }
}
