@testable import PortraitCore
@testable import PortraitProcessor
import Redis
import Testing

/// Behaviour lists hold exactly their newest entries: the recent events are trimmed in the
/// push's transaction, the tag history only once a push has grown it past its limit (by
/// `LPUSH`'s answer). Database 20 is this suite's.
@Suite(.serialized) struct BehaviourListTrimIntegrationTests {
    @Test func listsHoldTheirNewestEntriesUpToTheirLimits() throws {
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

        // One tag-history entry per write that changes a tag: past its limit, trimmed by answer.
        let tagLimit = BehaviourRecord.tagChangeLimit
        let history = ProfileKeys.tagHistory("u1")
        for step in 0..<(tagLimit + 3) {
            held.state.tags = ["tier": .string("t\(step)")]
            try write(events: 0)
            if step == tagLimit - 1 { #expect(try redis.command("LLEN", history).int == Int64(tagLimit)) }
        }
        #expect(try redis.command("LLEN", history).int == Int64(tagLimit), "trimmed back to the limit after each push past it")
        let newest = try redis.command("LRANGE", history, 0, 0).array?.first?.string ?? ""
        let oldest = try redis.command("LRANGE", history, -1, -1).array?.first?.string ?? ""
        #expect(newest.contains(#""t\#(tagLimit + 1)","t\#(tagLimit + 2)""#), "the newest change first: \(newest)")
        #expect(oldest.contains(#""t2","t3""#), "the oldest kept is the limit-th newest: \(oldest)")
    }
}
