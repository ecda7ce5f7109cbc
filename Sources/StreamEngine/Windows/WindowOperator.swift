/// Keyed windows with an incremental aggregate (Flink's `WindowOperator` with an
/// `AggregateFunction`) for non-merging assigners: tumbling and sliding windows.
///
/// Semantics follow Flink: a window `[start, end)` fires when the watermark reaches `end - 1`;
/// a window is late once `end - 1 + allowedLateness <= watermark`; an element whose windows
/// are all late is dropped, or sent to the side output when it is itself late.
public struct WindowOperator<
    Key: StateHashable & StateCodable & Sendable,
    Assigner: WindowAssigner,
    WindowTrigger: Trigger,
    Function: AggregateFunction,
    Output
>: TimedKeyedOperator {
    public typealias Input = Function.Input
    public typealias SideOutput = Function.Input
    public typealias W = Assigner.W

    @usableFromInline let assigner: Assigner
    @usableFromInline let trigger: WindowTrigger
    @usableFromInline let function: Function
    @usableFromInline let makeOutput: @Sendable (Key, W, Function.Output) -> Output
    @usableFromInline let configuration: WindowConfiguration
    /// The operator's keyed state.
    public let store = KeyedStateStore<Key>()
    /// The operator's timers, namespaced by window.
    public let timers = TimerService<Key, W>()
    @usableFromInline let windowState: StateTable<Key, W, Function.Accumulator>

    /// Creates the operator; `makeOutput` turns a fired window's aggregate into an output row.
    public init(
        assigner: Assigner, trigger: WindowTrigger, function: Function, configuration: WindowConfiguration,
        makeOutput: @escaping @Sendable (Key, W, Function.Output) -> Output
    ) {
        self.assigner = assigner
        self.trigger = trigger
        self.function = function
        self.configuration = configuration
        self.makeOutput = makeOutput
        self.windowState = store.table(named: "window-contents")
    }

    @inlinable
    public mutating func processElement<Out: OperatorOutput<Output, SideOutput>>(
        _ value: Input, key: Key, timestamp: Int64, output: inout Out
    ) {
        let watermark = timers.currentWatermark
        var skipped = true
        assigner.assignWindows(timestamp: timestamp) { window in
            let cleanup = configuration.cleanupTime(window.maxTimestamp)
            guard cleanup > watermark else { return }  // window is late: ignore it
            skipped = false
            var isFirstElement = false
            windowState.withValue(key, window, default: {
                isFirstElement = true
                return function.createAccumulator()
            }) { accumulator in
                function.add(value, timestamp: timestamp, to: &accumulator)
            }
            var context = TriggerContext(timers: timers, key: key, window: window, isFirstElement: isFirstElement)
            let result = trigger.onElement(timestamp: timestamp, context: &context)
            if result != .continue { apply(result, key: key, window: window, output: &output) }
            if cleanup != window.maxTimestamp {
                timers.registerEventTimeTimer(cleanup, key: key, namespace: window)
            }
        }
        if skipped, configuration.emitLateElements,
           configuration.cleanupTime(timestamp) <= watermark {
            output.emitSide(value)
        }
    }

    @inlinable
    mutating func apply<Out: OperatorOutput<Output, SideOutput>>(
        _ result: TriggerResult, key: Key, window: W, output: inout Out
    ) {
        if result.fires, let accumulator = windowState.get(key, window) {
            output.emit(makeOutput(key, window, function.result(accumulator)))
        }
        if result.purges { windowState.remove(key, window) }
    }

    @inlinable
    public mutating func advanceWatermark<Out: OperatorOutput<Output, SideOutput>>(to watermark: Int64, output: inout Out) {
        guard watermark > timers.currentWatermark else { return }
        timers.currentWatermark = watermark
        while let (time, bucket) = timers.popDueEventTimers(atOrBefore: watermark) {
            bucket.forEach { target in
                onEventTime(time, key: target.key, window: target.namespace, output: &output)
            }
        }
    }

    @inlinable
    mutating func onEventTime<Out: OperatorOutput<Output, SideOutput>>(
        _ time: Int64, key: Key, window: W, output: inout Out
    ) {
        var context = TriggerContext(timers: timers, key: key, window: window)
        let result = trigger.onEventTime(time, context: &context)
        if time == configuration.cleanupTime(window.maxTimestamp) {
            // Fire and clean up with one lookup: the usual case when allowed lateness is 0.
            if let accumulator = windowState.remove(key, window), result.fires {
                output.emit(makeOutput(key, window, function.result(accumulator)))
            }
            trigger.clear(context: &context)
        } else if result != .continue {
            apply(result, key: key, window: window, output: &output)
        }
    }

    @inlinable
    public mutating func advanceProcessingTime<Out: OperatorOutput<Output, SideOutput>>(to time: Int64, output: inout Out) {
        guard time > timers.currentProcessingTime else { return }
        timers.currentProcessingTime = time
        while let (due, bucket) = timers.popDueProcessingTimers(atOrBefore: time) {
            bucket.forEach { target in
                var context = TriggerContext(timers: timers, key: target.key, window: target.namespace)
                let result = trigger.onProcessingTime(due, context: &context)
                if result != .continue { apply(result, key: target.key, window: target.namespace, output: &output) }
            }
        }
    }
}
