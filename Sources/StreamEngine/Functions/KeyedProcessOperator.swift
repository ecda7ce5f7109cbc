/// Runs a ``KeyedProcessFunction``: sets the current key, fires its timers in timestamp order,
/// and forwards what it collects.
public struct KeyedProcessOperator<Function: KeyedProcessFunction>: TimedKeyedOperator {
    public typealias Key = Function.Key
    public typealias Input = Function.Input
    public typealias Output = Function.Output
    public typealias SideOutput = Function.SideOutput

    @usableFromInline var function: Function
    /// The function's keyed state.
    public let store = KeyedStateStore<Key>()
    /// The function's timers.
    public let timers = TimerService<Key, VoidNamespace>()
    @usableFromInline var collector = Collector<Output>()

    /// Creates the operator and opens the function.
    public init(_ function: Function) {
        self.function = function
        self.function.open(state: store)
    }

    @inlinable
    public mutating func processElement<Out: OperatorOutput<Output, SideOutput>>(
        _ value: Input, key: Key, timestamp: Int64, output: inout Out
    ) {
        store.currentKey = key
        var context = KeyedProcessContext<Key, SideOutput>(timers: timers, currentKey: key, timestamp: timestamp, timeDomain: nil)
        function.processElement(value, context: &context, out: &collector)
        forward(&context, output: &output)
    }

    @inlinable
    mutating func forward<Out: OperatorOutput<Output, SideOutput>>(
        _ context: inout KeyedProcessContext<Key, SideOutput>, output: inout Out
    ) {
        collector.drain { output.emit($0) }
        context.sideOutputs.drain { output.emitSide($0) }
    }

    @inlinable
    mutating func fire<Out: OperatorOutput<Output, SideOutput>>(
        _ time: Int64, domain: TimeDomain, bucket: TimerBucket<Key, VoidNamespace>, output: inout Out
    ) {
        bucket.forEach { target in
            store.currentKey = target.key
            var context = KeyedProcessContext<Key, SideOutput>(timers: timers, currentKey: target.key, timestamp: time, timeDomain: domain)
            function.onTimer(time, context: &context, out: &collector)
            forward(&context, output: &output)
        }
    }

    @inlinable
    public mutating func advanceWatermark<Out: OperatorOutput<Output, SideOutput>>(to watermark: Int64, output: inout Out) {
        guard watermark > timers.currentWatermark else { return }
        timers.currentWatermark = watermark
        while let (time, bucket) = timers.popDueEventTimers(atOrBefore: watermark) {
            fire(time, domain: .eventTime, bucket: bucket, output: &output)
        }
    }

    @inlinable
    public mutating func advanceProcessingTime<Out: OperatorOutput<Output, SideOutput>>(to time: Int64, output: inout Out) {
        guard time > timers.currentProcessingTime else { return }
        timers.currentProcessingTime = time
        while let (due, bucket) = timers.popDueProcessingTimers(atOrBefore: time) {
            fire(due, domain: .processingTime, bucket: bucket, output: &output)
        }
    }
}
