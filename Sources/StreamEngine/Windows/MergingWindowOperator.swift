/// Keyed windows for merging assigners (sessions), with an incremental aggregate.
///
/// Each element opens its own window; windows of a key that intersect are merged, their
/// accumulators merged with ``AggregateFunction/merge(_:into:)`` and their timers replaced,
/// as in Flink's `WindowOperator` with a `MergingWindowAssigner`. Lateness and side-output
/// rules are those of ``WindowOperator``.
public struct MergingWindowOperator<
    Key: StateHashable & StateCodable & Sendable,
    Assigner: MergingWindowAssigner,
    WindowTrigger: Trigger,
    Function: AggregateFunction,
    Output
>: TimedKeyedOperator {
    public typealias Input = Function.Input
    public typealias SideOutput = Function.Input

    @usableFromInline let assigner: Assigner
    @usableFromInline let trigger: WindowTrigger
    @usableFromInline let function: Function
    @usableFromInline let makeOutput: @Sendable (Key, TimeWindow, Function.Output) -> Output
    @usableFromInline let configuration: WindowConfiguration
    /// The operator's keyed state.
    public let store = KeyedStateStore<Key>()
    /// The operator's timers, namespaced by (actual) window.
    public let timers = TimerService<Key, TimeWindow>()
    @usableFromInline let windowState: StateTable<Key, TimeWindow, Function.Accumulator>
    @usableFromInline let windowSets: StateTable<Key, VoidNamespace, MergingWindowSet>

    /// Creates the operator; `makeOutput` turns a fired window's aggregate into an output row.
    public init(
        assigner: Assigner, trigger: WindowTrigger, function: Function, configuration: WindowConfiguration,
        makeOutput: @escaping @Sendable (Key, TimeWindow, Function.Output) -> Output
    ) {
        self.assigner = assigner
        self.trigger = trigger
        self.function = function
        self.configuration = configuration
        self.makeOutput = makeOutput
        self.windowState = store.table(named: "window-contents")
        self.windowSets = store.table(named: "merging-window-set", countElements: { $0.entries.count })
    }

    @inlinable
    public mutating func processElement<Out: OperatorOutput<Output, SideOutput>>(
        _ value: Input, key: Key, timestamp: Int64, output: inout Out
    ) {
        var skipped = true
        let setKey = StateKey(key, VoidNamespace())
        // Mutate the key's window set in place: one hash lookup per element. `process` edits
        // other tables and timers only, never `windowSets`, so its slot stays valid.
        let sets = windowSets
        let hash = StateHashMap<StateKey<Key, VoidNamespace>, MergingWindowSet>.hash(setKey)
        let slot = sets.entries.slot(forKey: setKey, hash: hash) ?? sets.entries.insertNew(setKey, hash: hash, MergingWindowSet())
        let isEmpty = sets.entries.withValue(atSlot: slot) { windowSet in
            process(value, key: key, timestamp: timestamp, skipped: &skipped, windowSet: &windowSet, output: &output)
        }
        if isEmpty { sets.entries.remove(atSlot: slot) }
        if skipped, configuration.emitLateElements, configuration.cleanupTime(timestamp) <= timers.currentWatermark {
            output.emitSide(value)
        }
    }

    @inlinable
    mutating func process<Out: OperatorOutput<Output, SideOutput>>(
        _ value: Input, key: Key, timestamp: Int64, skipped: inout Bool, windowSet: inout MergingWindowSet, output: inout Out
    ) -> Bool {
        let watermark = timers.currentWatermark
        assigner.assignWindows(timestamp: timestamp) { window in
            var isNewWindow = false
            let actual = windowSet.addWindow(window, isNew: &isNewWindow) { result, mergedWindows, resultStateWindow, mergedStateWindows in
                for merged in mergedWindows where merged != result {
                    var context = TriggerContext(timers: timers, key: key, window: merged)
                    trigger.clear(context: &context)
                    deleteCleanupTimer(key: key, window: merged)
                }
                var context = TriggerContext(timers: timers, key: key, window: result)
                trigger.onMerge(context: &context)
                for stateWindow in mergedStateWindows {
                    guard let accumulator = windowState.remove(key, stateWindow) else { continue }
                    windowState.withValue(key, resultStateWindow, default: function.createAccumulator) { merged in
                        function.merge(accumulator, into: &merged)
                    }
                }
            }
            let cleanup = configuration.cleanupTime(actual.maxTimestamp)
            guard cleanup > watermark, let stateWindow = windowSet.stateWindow(for: actual) else {
                // Merging cannot make a session end earlier, so only a new, late window lands here.
                windowSet.retire(actual)
                return
            }
            skipped = false
            windowState.withValue(key, stateWindow, default: function.createAccumulator) { accumulator in
                function.add(value, timestamp: timestamp, to: &accumulator)
            }
            var context = TriggerContext(timers: timers, key: key, window: actual, isFirstElement: isNewWindow)
            let result = trigger.onElement(timestamp: timestamp, context: &context)
            if result != .continue {
                apply(result, key: key, window: actual, stateWindow: stateWindow, output: &output)
            }
            if cleanup != actual.maxTimestamp {
                timers.registerEventTimeTimer(cleanup, key: key, namespace: actual)
            }
        }
        return windowSet.isEmpty
    }

    @inlinable
    func deleteCleanupTimer(key: Key, window: TimeWindow) {
        let cleanup = configuration.cleanupTime(window.maxTimestamp)
        if cleanup != window.maxTimestamp { timers.deleteEventTimeTimer(cleanup, key: key, namespace: window) }
    }

    @inlinable
    mutating func apply<Out: OperatorOutput<Output, SideOutput>>(
        _ result: TriggerResult, key: Key, window: TimeWindow, stateWindow: TimeWindow, output: inout Out
    ) {
        if result.fires, let accumulator = windowState.get(key, stateWindow) {
            output.emit(makeOutput(key, window, function.result(accumulator)))
        }
        if result.purges { windowState.remove(key, stateWindow) }
    }

    @inlinable
    public mutating func advanceWatermark<Out: OperatorOutput<Output, SideOutput>>(to watermark: Int64, output: inout Out) {
        guard watermark > timers.currentWatermark else { return }
        timers.currentWatermark = watermark
        while let (time, bucket) = timers.popDueEventTimers(atOrBefore: watermark) {
            bucket.forEach { target in
                onTimer(time, domain: .eventTime, key: target.key, window: target.namespace, output: &output)
            }
        }
    }

    @inlinable
    public mutating func advanceProcessingTime<Out: OperatorOutput<Output, SideOutput>>(to time: Int64, output: inout Out) {
        guard time > timers.currentProcessingTime else { return }
        timers.currentProcessingTime = time
        while let (due, bucket) = timers.popDueProcessingTimers(atOrBefore: time) {
            bucket.forEach { target in
                onTimer(due, domain: .processingTime, key: target.key, window: target.namespace, output: &output)
            }
        }
    }

    @inlinable
    mutating func onTimer<Out: OperatorOutput<Output, SideOutput>>(
        _ time: Int64, domain: TimeDomain, key: Key, window: TimeWindow, output: inout Out
    ) {
        // Look the key's window set up once and edit it in place: copying it out would copy
        // every live session of a busy key on each timer.
        let setKey = StateKey(key, VoidNamespace())
        let sets = windowSets
        guard let setIndex = sets.entries.slot(forKey: setKey),
              let stateWindow = sets.entries.withValue(atSlot: setIndex, { $0.stateWindow(for: window) }) else {
            return  // the window was merged away or already cleaned up
        }
        var context = TriggerContext(timers: timers, key: key, window: window)
        let result = domain == .eventTime
            ? trigger.onEventTime(time, context: &context)
            : trigger.onProcessingTime(time, context: &context)
        if result != .continue {
            apply(result, key: key, window: window, stateWindow: stateWindow, output: &output)
        }
        if domain == .eventTime, time == configuration.cleanupTime(window.maxTimestamp) {
            windowState.remove(key, stateWindow)
            trigger.clear(context: &context)
            let isEmpty = sets.entries.withValue(atSlot: setIndex) { windowSet in
                windowSet.retire(window)
                return windowSet.isEmpty
            }
            if isEmpty { sets.entries.remove(atSlot: setIndex) }
        }
    }
}
