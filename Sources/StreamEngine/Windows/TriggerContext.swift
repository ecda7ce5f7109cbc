/// What a trigger may see and do for one (key, window): read the clocks, set and delete timers.
public struct TriggerContext<Key: StateHashable & StateCodable, W: Window> {
    @usableFromInline let timers: TimerService<Key, W>
    /// The key whose window this is.
    public let key: Key
    /// The window the trigger is asked about.
    public var window: W
    /// In `onElement`: whether this element created the window. Timers a trigger registers
    /// for the first element stay registered until the window is cleared, so triggers may
    /// skip re-registering them for later elements.
    public var isFirstElement: Bool

    /// Creates a context.
    @inlinable
    public init(timers: TimerService<Key, W>, key: Key, window: W, isFirstElement: Bool = true) {
        self.timers = timers
        self.key = key
        self.window = window
        self.isFirstElement = isFirstElement
    }

    /// The operator's current watermark.
    @inlinable public var currentWatermark: Int64 { timers.currentWatermark }
    /// The operator's current processing time.
    @inlinable public var currentProcessingTime: Int64 { timers.currentProcessingTime }

    /// Calls the trigger back via `onEventTime` once the watermark reaches `time`.
    @inlinable public func registerEventTimeTimer(_ time: Int64) {
        timers.registerEventTimeTimer(time, key: key, namespace: window)
    }
    /// Deletes an event-time timer of this window.
    @inlinable public func deleteEventTimeTimer(_ time: Int64) {
        timers.deleteEventTimeTimer(time, key: key, namespace: window)
    }
    /// Calls the trigger back via `onProcessingTime` once processing time reaches `time`.
    @inlinable public func registerProcessingTimeTimer(_ time: Int64) {
        timers.registerProcessingTimeTimer(time, key: key, namespace: window)
    }
    /// Deletes a processing-time timer of this window.
    @inlinable public func deleteProcessingTimeTimer(_ time: Int64) {
        timers.deleteProcessingTimeTimer(time, key: key, namespace: window)
    }
}
