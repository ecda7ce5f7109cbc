@testable import PortraitProcessor
import Testing

@Suite struct WatermarkTrackerTests {
    @Test func slowestActiveInputHoldsTheWatermarkAndIdleOnesStopHoldingIt() {
        var tracker = WatermarkTracker(delayMs: 100, idleTimeoutMs: 1_000, followWallClock: false)
        tracker.observe(source: "a/0", partition: 0, eventMs: 10_000, wallMs: 0)
        tracker.observe(source: "b/0", partition: 0, eventMs: 5_000, wallMs: 0)
        #expect(tracker.watermark(partition: 0, wallMs: 10) == 4_900)
        tracker.observe(source: "a/0", partition: 0, eventMs: 20_000, wallMs: 1_500)
        #expect(tracker.watermark(partition: 0, wallMs: 1_500) == 19_900, "b has been idle for 1.5 s")
        tracker.observe(source: "b/0", partition: 0, eventMs: 6_000, wallMs: 1_600)
        #expect(tracker.watermark(partition: 0, wallMs: 1_600) == 19_900, "a watermark never goes back")
        #expect(tracker.watermark(partition: 1, wallMs: 1_600) == .min, "another partition has seen nothing")
    }

    @Test func allIdleFollowsTheWallClockOnlyWhenAsked() {
        var live = WatermarkTracker(delayMs: 100, idleTimeoutMs: 1_000, followWallClock: true)
        var replay = WatermarkTracker(delayMs: 100, idleTimeoutMs: 1_000, followWallClock: false)
        for index in [0, 1] {
            var tracker = index == 0 ? live : replay
            tracker.observe(source: "a/0", partition: 0, eventMs: 10_000, wallMs: 0)
            if index == 0 { live = tracker } else { replay = tracker }
        }
        #expect(live.watermark(partition: 0, wallMs: 50_000) == 49_900)
        #expect(replay.watermark(partition: 0, wallMs: 50_000) == 9_900)
    }
}
