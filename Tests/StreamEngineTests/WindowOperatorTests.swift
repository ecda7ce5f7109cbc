import StreamEngine
import StreamEngineTesting
import Testing

@Suite struct WindowOperatorTests {
    @Test func tumblingWindowFiresWhenWatermarkReachesEndMinusOne() {
        var harness = KeyedOperatorTestHarness(countOperator(TumblingEventTimeWindows(size: 10)))
        for (user, time) in [(1, 0), (1, 9), (2, 5), (1, 10)] as [(Int64, Int64)] {
            harness.processElement(Click(user: user, time: time), key: user, timestamp: time)
        }
        harness.processWatermark(8)
        #expect(harness.output.isEmpty)
        harness.processWatermark(9)  // end - 1 of [0, 10)
        #expect(harness.takeOutput().sorted() == [
            WindowCount(user: 1, start: 0, end: 10, count: 2), WindowCount(user: 2, start: 0, end: 10, count: 1)])
        harness.processWatermark(Watermark.maximum)
        #expect(harness.takeOutput() == [WindowCount(user: 1, start: 10, end: 20, count: 1)])
        #expect(harness.operator.stateMetrics == StateMetrics())
    }

    @Test func slidingWindowsCoverEachElementSizeOverSlideTimes() {
        var harness = KeyedOperatorTestHarness(countOperator(SlidingEventTimeWindows(size: 30, slide: 10)))
        harness.processElement(Click(user: 1, time: 25), key: 1, timestamp: 25)
        harness.processElement(Click(user: 1, time: 31), key: 1, timestamp: 31)
        harness.processWatermark(Watermark.maximum)
        #expect(harness.output.sorted() == [
            WindowCount(user: 1, start: 0, end: 30, count: 1),
            WindowCount(user: 1, start: 10, end: 40, count: 2),
            WindowCount(user: 1, start: 20, end: 50, count: 2),
            WindowCount(user: 1, start: 30, end: 60, count: 1),
        ])
    }

    @Test func negativeTimestampsAlignLikeFlink() {
        #expect(TimeWindow.windowStart(of: -1, offset: 0, size: 10) == -10)
        #expect(TimeWindow.windowStart(of: -10, offset: 0, size: 10) == -10)
        #expect(TimeWindow.windowStart(of: 7, offset: 2, size: 5) == 7)
    }

    @Test func sessionsMergeWhenAnEventBridgesTwoSessions() {
        var harness = KeyedOperatorTestHarness(sessionOperator(gap: 10))
        for time: Int64 in [0, 25, 5, 15] {  // [15,25) touches both [0,15) and [25,35)
            harness.processElement(Click(user: 7, time: time), key: 7, timestamp: time)
        }
        harness.processElement(Click(user: 8, time: 100), key: 8, timestamp: 100)
        harness.processWatermark(Watermark.maximum)
        #expect(harness.output.sorted() == [
            WindowCount(user: 7, start: 0, end: 35, count: 4),
            WindowCount(user: 8, start: 100, end: 110, count: 1),
        ])
        #expect(harness.operator.stateMetrics.entries == 0)
    }

    @Test func sessionsTouchingAtTheGapMerge() {
        var harness = KeyedOperatorTestHarness(sessionOperator(gap: 10))
        harness.processElement(Click(user: 1, time: 0), key: 1, timestamp: 0)
        harness.processElement(Click(user: 1, time: 10), key: 1, timestamp: 10)
        harness.processElement(Click(user: 1, time: 21), key: 1, timestamp: 21)
        harness.processWatermark(Watermark.maximum)
        #expect(harness.output.sorted() == [
            WindowCount(user: 1, start: 0, end: 20, count: 2), WindowCount(user: 1, start: 21, end: 31, count: 1)])
    }

    @Test func lateButAllowedElementsRefireAndTooLateGoToSideOutput() {
        var harness = KeyedOperatorTestHarness(countOperator(TumblingEventTimeWindows(size: 10), lateness: 5, sideOutput: true))
        harness.processElement(Click(user: 1, time: 3), key: 1, timestamp: 3)
        harness.processWatermark(9)
        #expect(harness.takeOutput() == [WindowCount(user: 1, start: 0, end: 10, count: 1)])
        // Watermark 12: window end-1 + lateness = 14 > 12, so the window still accepts data.
        harness.processWatermark(12)
        harness.processElement(Click(user: 1, time: 4), key: 1, timestamp: 4)
        #expect(harness.takeOutput() == [WindowCount(user: 1, start: 0, end: 10, count: 2)])
        // Watermark 14 reaches end-1 + lateness: state is dropped, later events are too late.
        harness.processWatermark(14)
        harness.processElement(Click(user: 1, time: 5), key: 1, timestamp: 5)
        #expect(harness.output.isEmpty)
        #expect(harness.sideOutput == [Click(user: 1, time: 5)])
        #expect(harness.operator.stateMetrics == StateMetrics())
    }

    @Test func withoutSideOutputTooLateElementsAreDropped() {
        var harness = KeyedOperatorTestHarness(countOperator(TumblingEventTimeWindows(size: 10)))
        harness.processWatermark(20)
        harness.processElement(Click(user: 1, time: 5), key: 1, timestamp: 5)
        harness.processWatermark(Watermark.maximum)
        #expect(harness.output.isEmpty)
        #expect(harness.sideOutput.isEmpty)
    }

    @Test func lateSessionEventGoesToSideOutput() {
        var harness = KeyedOperatorTestHarness(sessionOperator(gap: 10))
        harness.processElement(Click(user: 1, time: 0), key: 1, timestamp: 0)
        harness.processWatermark(50)
        #expect(harness.takeOutput() == [WindowCount(user: 1, start: 0, end: 10, count: 1)])
        harness.processElement(Click(user: 1, time: 30), key: 1, timestamp: 30)  // [30,40): 39 <= 50
        #expect(harness.sideOutput == [Click(user: 1, time: 30)])
    }
}
