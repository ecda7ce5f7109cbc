@testable import PortraitCore
@testable import PortraitProcessor
import Redis
import Testing

/// Behaviour lists are trimmed only once a push has grown them past their limit, and then hold
/// exactly the newest entries (database 20 is this suite's).
@Suite(.serialized) struct BehaviourListTrimIntegrationTests {
    @Test func aListIsTrimmedOnceItsPushGrowsItPastTheLimit() throws {
        let redis = try TestServices.emptiedRedis(database: 20)
        let store = RedisProfileStore(connection: redis)
        let limit = BehaviourRecord.eventLimit
        var state = ProfileState(userId: "u1")
        state.denseId = 3
        var held = HeldProfile(state: state, stored: nil)
        var next = 0
        func write(events count: Int) throws {
            var folded = FoldedInputs()
            for _ in 0..<count {
                folded.note(.event(ProfileEvent(userId: "u1", timestampMs: Int64(1_000 + next), fields: ["type": .string("view")])))
                next += 1
            }
            held.noteChange(folded: folded)
            held.state.clockMs = Int64(1_000 + next)
            #expect(try store.write([held.takeForWrite(partition: 0).write(tagVersions: [:], stateKeys: .empty)], updatedMs: 1) == [.written])
        }
        func stamps() throws -> [Int64] {
            try redis.command("LRANGE", ProfileKeys.recentEvents("u1"), 0, -1).array?.compactMap { entry in
                entry.string.flatMap { $0.split(separator: ",").first }.flatMap { Int64($0.dropFirst(5)) }
            } ?? []
        }

        try write(events: limit - 10)
        #expect(try stamps() == (0..<Int64(limit - 10)).reversed().map { 1_000 + $0 }, "below the limit: every event, newest first")
        try write(events: 10)
        #expect(try redis.command("LLEN", ProfileKeys.recentEvents("u1")).int == Int64(limit), "exactly at the limit: nothing trimmed")
        try write(events: 25)
        let total = Int64(limit + 25)
        #expect(try stamps() == (total - Int64(limit)..<total).reversed().map { 1_000 + $0 }, "past the limit: the newest \(limit), newest first")
        try write(events: 1)
        #expect(try redis.command("LLEN", ProfileKeys.recentEvents("u1")).int == Int64(limit))
        #expect(try stamps().first == 1_000 + total)
    }
}
