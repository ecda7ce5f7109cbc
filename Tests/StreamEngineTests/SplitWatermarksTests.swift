import StreamEngine
import Testing

@Suite struct SplitWatermarksTests {
    @Test func slowestActiveSplitHoldsTheWatermarkAndIdleOnesStopHoldingIt() {
        var splits = SplitWatermarks(delayMs: 100, idleTimeoutMs: 1_000, followWallClock: false)
        let a = splits.register(split: "a/0", keyGroup: 0)
        let b = splits.register(split: "b/0", keyGroup: 0)
        splits.observe(split: a, eventMs: 10_000, wallMs: 0)
        splits.observe(split: b, eventMs: 5_000, wallMs: 0)
        #expect(splits.watermark(keyGroup: 0, wallMs: 10) == 4_900)
        splits.observe(split: a, eventMs: 20_000, wallMs: 1_500)
        #expect(splits.watermark(keyGroup: 0, wallMs: 1_500) == 19_900, "b has been idle for 1.5 s")
        splits.observe(split: b, eventMs: 6_000, wallMs: 1_600)
        #expect(splits.watermark(keyGroup: 0, wallMs: 1_600) == 19_900, "a watermark never goes back")
        #expect(splits.watermark(keyGroup: 1, wallMs: 1_600) == Watermark.minimum, "another key group has seen nothing")
    }

    @Test func allIdleFollowsTheWallClockOnlyWhenAsked() {
        var live = SplitWatermarks(delayMs: 100, idleTimeoutMs: 1_000, followWallClock: true)
        var replay = SplitWatermarks(delayMs: 100, idleTimeoutMs: 1_000, followWallClock: false)
        live.observe(split: live.register(split: "a/0", keyGroup: 0), eventMs: 10_000, wallMs: 0)
        replay.observe(split: replay.register(split: "a/0", keyGroup: 0), eventMs: 10_000, wallMs: 0)
        #expect(live.watermark(keyGroup: 0, wallMs: 50_000) == 49_900)
        #expect(replay.watermark(keyGroup: 0, wallMs: 50_000) == 9_900)
    }

    @Test func aKeyGroupThatSawNothingFollowsTheWallClockOnlyWhenAsked() {
        // A live processor's timers of a freshly owned, quiet partition still fire.
        var live = SplitWatermarks(delayMs: 100, idleTimeoutMs: 1_000, followWallClock: true)
        var replay = SplitWatermarks(delayMs: 100, idleTimeoutMs: 1_000, followWallClock: false)
        _ = live.register(split: "a/0", keyGroup: 0)
        #expect(live.watermark(keyGroup: 0, wallMs: 50_000) == 49_900)
        #expect(replay.watermark(keyGroup: 0, wallMs: 50_000) == Watermark.minimum)
    }

    @Test func aRegisteredSplitHoldsNothingBackUntilItSeesARecord() {
        var splits = SplitWatermarks(delayMs: 100, idleTimeoutMs: 1_000, followWallClock: false)
        let a = splits.register(split: "a/0", keyGroup: 0)
        _ = splits.register(split: "b/0", keyGroup: 0)
        #expect(splits.register(split: "a/0", keyGroup: 0) == a, "one handle per name")
        splits.observe(split: a, eventMs: 10_000, wallMs: 0)
        #expect(splits.watermark(keyGroup: 0, wallMs: 0) == 9_900)
    }

    @Test func splitsOfTwoKeyGroupsDoNotAffectEachOther() {
        var splits = SplitWatermarks(delayMs: 100, idleTimeoutMs: 1_000, followWallClock: false)
        let fast = splits.register(split: "a/0", keyGroup: 0)
        let slow = splits.register(split: "a/1", keyGroup: 1)
        splits.observe(split: fast, eventMs: 50_000, wallMs: 0)
        splits.observe(split: slow, eventMs: 2_000, wallMs: 0)
        #expect(splits.watermark(keyGroup: 0, wallMs: 10) == 49_900)
        #expect(splits.watermark(keyGroup: 1, wallMs: 10) == 1_900)
        // Group 0's only split goes idle: group 1 stays where its own split holds it.
        splits.observe(split: slow, eventMs: 3_000, wallMs: 5_000)
        #expect(splits.watermark(keyGroup: 1, wallMs: 5_000) == 2_900)
        #expect(splits.watermark(keyGroup: 0, wallMs: 5_000) == 49_900)
    }

    @Test func reAddingADroppedKeyGroupStartsFromScratch() {
        var splits = SplitWatermarks(delayMs: 100, idleTimeoutMs: 1_000, followWallClock: false)
        let a = splits.register(split: "a/0", keyGroup: 0)
        let other = splits.register(split: "a/1", keyGroup: 1)
        splits.observe(split: a, eventMs: 10_000, wallMs: 0)
        splits.observe(split: other, eventMs: 7_000, wallMs: 0)
        #expect(splits.watermark(keyGroup: 0, wallMs: 0) == 9_900)
        splits.retain(keyGroups: [1])
        #expect(splits.watermark(keyGroup: 1, wallMs: 0) == 6_900, "a kept key group keeps its progress")
        splits.retain(keyGroups: [0, 1])
        #expect(splits.watermark(keyGroup: 0, wallMs: 0) == Watermark.minimum, "nothing seen since the group came back")
        // The same handle, observed again, counts from its new records only.
        #expect(splits.register(split: "a/0", keyGroup: 0) == a)
        splits.observe(split: a, eventMs: 3_000, wallMs: 0)
        #expect(splits.watermark(keyGroup: 0, wallMs: 0) == 2_900, "the old floor of 9 900 was forgotten")
    }

    @Test func theWatermarkNeverGoesBackWhenASlowSplitAppearsLate() {
        var splits = SplitWatermarks(delayMs: 100, idleTimeoutMs: 1_000, followWallClock: false)
        let a = splits.register(split: "a/0", keyGroup: 0)
        splits.observe(split: a, eventMs: 10_000, wallMs: 0)
        #expect(splits.watermark(keyGroup: 0, wallMs: 0) == 9_900)
        let late = splits.register(split: "b/0", keyGroup: 0)
        splits.observe(split: late, eventMs: 5_000, wallMs: 10)
        #expect(splits.watermark(keyGroup: 0, wallMs: 10) == 9_900)
        // Once the slow split catches up past the floor, the group moves with it again.
        splits.observe(split: a, eventMs: 30_000, wallMs: 20)
        splits.observe(split: late, eventMs: 12_000, wallMs: 20)
        #expect(splits.watermark(keyGroup: 0, wallMs: 20) == 11_900)
    }
}
