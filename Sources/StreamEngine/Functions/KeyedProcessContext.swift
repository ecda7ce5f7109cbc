/// What a ``KeyedProcessFunction`` sees while handling an element or a timer (Flink's
/// `KeyedProcessFunction.Context`/`OnTimerContext`): the key, the timestamp, timers and the
/// side output.
public struct KeyedProcessContext<Key: StateHashable & StateCodable, SideOutput> {
    @usableFromInline let timers: TimerService<Key, VoidNamespace>
    /// The key of the element or timer.
    public let currentKey: Key
    /// The element's event timestamp, or the firing timer's time.
    public let timestamp: Int64
    /// `nil` while processing an element; the firing timer's domain in `onTimer`.
    public let timeDomain: TimeDomain?
    @usableFromInline var sideOutputs: Collector<SideOutput>

    @inlinable
    init(timers: TimerService<Key, VoidNamespace>, currentKey: Key, timestamp: Int64, timeDomain: TimeDomain?) {
        self.timers = timers
        self.currentKey = currentKey
        self.timestamp = timestamp
        self.timeDomain = timeDomain
        self.sideOutputs = Collector()
    }

    /// The operator's current watermark.
    @inlinable public var currentWatermark: Int64 { timers.currentWatermark }
    /// The operator's current processing time.
    @inlinable public var currentProcessingTime: Int64 { timers.currentProcessingTime }

    /// Calls `onTimer` for the current key once the watermark reaches `time`. Registering the
    /// same time twice for a key gives one call.
    @inlinable public func registerEventTimeTimer(_ time: Int64) {
        timers.registerEventTimeTimer(time, key: currentKey, namespace: VoidNamespace())
    }
    /// Deletes the current key's event-time timer at `time`.
    @inlinable public func deleteEventTimeTimer(_ time: Int64) {
        timers.deleteEventTimeTimer(time, key: currentKey, namespace: VoidNamespace())
    }
    /// Calls `onTimer` for the current key once processing time reaches `time`.
    @inlinable public func registerProcessingTimeTimer(_ time: Int64) {
        timers.registerProcessingTimeTimer(time, key: currentKey, namespace: VoidNamespace())
    }
    /// Deletes the current key's processing-time timer at `time`.
    @inlinable public func deleteProcessingTimeTimer(_ time: Int64) {
        timers.deleteProcessingTimeTimer(time, key: currentKey, namespace: VoidNamespace())
    }

    /// Emits `element` to the side output.
    @inlinable public mutating func output(_ element: SideOutput) { sideOutputs.collect(element) }
}
