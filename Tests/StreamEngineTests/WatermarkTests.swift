import StreamEngine
import Testing

@Suite struct WatermarkTests {
    @Test func boundedOutOfOrdernessLagsTheMaximumByTheBoundPlusOne() {
        var generator = BoundedOutOfOrdernessWatermarks(outOfOrderness: 5_000)
        #expect(generator.currentWatermark == Watermark.minimum)
        generator.onEvent(timestamp: 10_000)
        generator.onEvent(timestamp: 7_000)
        #expect(generator.currentWatermark == 4_999)
    }

    @Test func valveTakesMinimumOverNonIdleInputs() {
        var valve = WatermarkValve(inputCount: 3)
        #expect(valve.onWatermark(100, input: 0) == nil)  // inputs 1 and 2 still at -∞
        #expect(valve.onWatermark(200, input: 1) == nil)
        // Input 2 is a quiet partition: marking it idle releases the others.
        #expect(valve.markIdle(2) == 100)
        #expect(valve.onWatermark(150, input: 0) == 150)
        // It wakes up behind the others: the combined watermark never goes back.
        valve.markActive(2)
        #expect(valve.onWatermark(120, input: 2) == nil)
        #expect(valve.combined == 150)
        #expect(valve.onWatermark(300, input: 2) == nil)
        #expect(valve.onWatermark(300, input: 0) == 200)
        #expect(valve.markFinished(1) == 300)
        #expect(valve.markFinished(0) == nil)
        #expect(valve.markFinished(2) == Watermark.maximum)
        #expect(valve.allFinished)
    }
}
