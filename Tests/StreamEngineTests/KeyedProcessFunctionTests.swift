import StreamEngine
import StreamEngineTesting
import Testing

/// Counts clicks per user and reports the count 100 ms (event time) after the first click,
/// and "idle" 1 s of processing time after each click.
struct ReportAfterDelay: KeyedProcessFunction {
    typealias Key = Int64
    typealias Input = Click
    typealias Output = String
    typealias SideOutput = Int64

    var count: ValueState<Int64, Int64>?
    var seen: MapState<Int64, Int64, Int64>?
    var times: ListState<Int64, Int64>?
    var total: ReducingState<Int64, Int64>?

    mutating func open(state: KeyedStateStore<Int64>) {
        count = state.state(ValueStateDescriptor<Int64>("count", defaultValue: 0))
        seen = state.state(MapStateDescriptor<Int64, Int64>("seen"))
        times = state.state(ListStateDescriptor<Int64>("times"))
        total = state.state(ReducingStateDescriptor<Int64>("total", reduce: +))
    }

    func processElement(_ value: Click, context: inout KeyedProcessContext<Int64, Int64>, out: inout Collector<String>) {
        let current = (count?.value ?? 0) + 1
        count?.value = current
        seen?[value.value] = (seen?[value.value] ?? 0) + 1
        times?.add(value.time)
        total?.add(value.value)
        if current == 1 { context.registerEventTimeTimer(value.time + 100) }
        context.registerProcessingTimeTimer(context.currentProcessingTime + 1_000)
        if value.value < 0 { context.output(value.value) }
    }

    func onTimer(_ timestamp: Int64, context: inout KeyedProcessContext<Int64, Int64>, out: inout Collector<String>) {
        switch context.timeDomain {
        case .eventTime?:
            out.collect("user \(context.currentKey): \(count?.value ?? 0) clicks, total \(total?.value ?? 0), times \(times?.elements ?? []) at \(timestamp)")
            count?.clear()
            times?.clear()
        case .processingTime?:
            out.collect("user \(context.currentKey) idle at \(timestamp)")
        case nil:
            break
        }
    }
}

@Suite struct KeyedProcessFunctionTests {
    @Test func eventAndProcessingTimeTimersFireWithState() {
        var harness = KeyedOperatorTestHarness(KeyedProcessOperator(ReportAfterDelay()))
        harness.setProcessingTime(0)
        harness.processElement(Click(user: 1, time: 10, value: 5), key: 1, timestamp: 10)
        harness.processElement(Click(user: 1, time: 50, value: -2), key: 1, timestamp: 50)
        harness.processElement(Click(user: 2, time: 60), key: 2, timestamp: 60)
        #expect(harness.sideOutput == [-2])
        harness.processWatermark(109)
        #expect(harness.output.isEmpty)
        harness.processWatermark(110)
        #expect(harness.takeOutput() == ["user 1: 2 clicks, total 3, times [10, 50] at 110"])
        harness.processWatermark(Watermark.maximum)
        #expect(harness.takeOutput() == ["user 2: 1 clicks, total 1, times [60] at 160"])
        harness.setProcessingTime(999)
        #expect(harness.output.isEmpty)
        harness.setProcessingTime(1_000)
        // Both users registered a processing-time timer at 1000: one bucket, two keys.
        #expect(Set(harness.takeOutput()) == ["user 1 idle at 1000", "user 2 idle at 1000"])
        // Map and reducing state were not cleared.
        #expect(harness.operator.stateMetrics.keys == 2)
    }

    @Test func timersAreCoalescedPerTimestamp() {
        var queue = TimerQueue<Int64, VoidNamespace>()
        for key in 0..<100_000 as Range<Int64> {
            queue.register(3_600_000, key: key, namespace: VoidNamespace())
            queue.register(3_600_000, key: key, namespace: VoidNamespace())  // duplicate: no-op
        }
        queue.register(10, key: 1, namespace: VoidNamespace())
        queue.delete(10, key: 1, namespace: VoidNamespace())
        #expect(queue.count == 100_000)
        #expect(queue.distinctTimestamps == 1)
        #expect(queue.nextTime == 3_600_000)
        #expect(queue.popDue(atOrBefore: 3_599_999) == nil)
        let due = queue.popDue(atOrBefore: 3_600_000)
        #expect(due?.time == 3_600_000)
        #expect(due?.bucket.count == 100_000)
        #expect(queue.count == 0)
    }

    @Test func timersFireInTimestampOrder() {
        var queue = TimerQueue<Int64, VoidNamespace>()
        for time: Int64 in [50, 10, 30, 20, 40] { queue.register(time, key: time, namespace: VoidNamespace()) }
        var fired: [Int64] = []
        while let (time, _) = queue.popDue(atOrBefore: .max) { fired.append(time) }
        #expect(fired == [10, 20, 30, 40, 50])
    }
}
