/// Per-key timers of one operator instance, in event time and processing time.
///
/// A class because the operator, its trigger contexts and its process-function contexts all
/// register timers on the same instance. The owning operator advances the clocks.
public final class TimerService<Key: StateHashable & StateCodable, Namespace: StateHashable & StateCodable> {
    @usableFromInline
    struct State {
        @usableFromInline var eventTimers = TimerQueue<Key, Namespace>()
        @usableFromInline var processingTimers = TimerQueue<Key, Namespace>()
        @usableFromInline var currentWatermark: Int64 = Watermark.minimum
        @usableFromInline var currentProcessingTime: Int64 = Watermark.minimum

        @usableFromInline init() {}
    }

    /// The queues and clocks, behind a pointer that never changes: the per-element path
    /// (read the watermark, register a timer) then needs no dynamic exclusivity check. The
    /// service is used by one task thread, and no accessor calls back into it.
    @usableFromInline let state: UnsafeMutablePointer<State>

    /// Event-time timers, fired as the watermark passes them.
    public var eventTimers: TimerQueue<Key, Namespace> { state.pointee.eventTimers }
    /// Processing-time timers, fired as the task's clock passes them.
    public var processingTimers: TimerQueue<Key, Namespace> { state.pointee.processingTimers }

    /// The operator's current watermark.
    @inlinable
    public var currentWatermark: Int64 {
        get { state.pointee.currentWatermark }
        set { state.pointee.currentWatermark = newValue }
    }

    /// The operator's current processing time.
    @inlinable
    public var currentProcessingTime: Int64 {
        get { state.pointee.currentProcessingTime }
        set { state.pointee.currentProcessingTime = newValue }
    }

    /// Creates an empty service.
    public init() {
        state = .allocate(capacity: 1)
        state.initialize(to: State())
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Removes and returns the earliest event-time bucket due at or before `time`.
    @inlinable
    public func popDueEventTimers(atOrBefore time: Int64) -> (time: Int64, bucket: TimerBucket<Key, Namespace>)? {
        state.pointee.eventTimers.popDue(atOrBefore: time)
    }

    /// Removes and returns the earliest processing-time bucket due at or before `time`.
    @inlinable
    public func popDueProcessingTimers(atOrBefore time: Int64) -> (time: Int64, bucket: TimerBucket<Key, Namespace>)? {
        state.pointee.processingTimers.popDue(atOrBefore: time)
    }

    /// Registers an event-time timer (fires once the watermark reaches `time`).
    @inlinable
    public func registerEventTimeTimer(_ time: Int64, key: Key, namespace: Namespace) {
        state.pointee.eventTimers.register(time, key: key, namespace: namespace)
    }

    /// Deletes an event-time timer.
    @inlinable
    public func deleteEventTimeTimer(_ time: Int64, key: Key, namespace: Namespace) {
        state.pointee.eventTimers.delete(time, key: key, namespace: namespace)
    }

    /// Registers a processing-time timer.
    @inlinable
    public func registerProcessingTimeTimer(_ time: Int64, key: Key, namespace: Namespace) {
        state.pointee.processingTimers.register(time, key: key, namespace: namespace)
    }

    /// Deletes a processing-time timer.
    @inlinable
    public func deleteProcessingTimeTimer(_ time: Int64, key: Key, namespace: Namespace) {
        state.pointee.processingTimers.delete(time, key: key, namespace: namespace)
    }

    /// Sets both clocks back to −∞ (batch mode, between key groups; every timer has fired).
    @inlinable
    public func resetClocks() {
        currentWatermark = Watermark.minimum
        currentProcessingTime = Watermark.minimum
    }

    /// Number of registered timers in both domains.
    public var count: Int { eventTimers.count + processingTimers.count }

    /// Writes both queues.
    public func snapshot(to encoder: inout StateEncoder) {
        eventTimers.encode(to: &encoder)
        processingTimers.encode(to: &encoder)
    }

    /// Restores both queues, keeping timers of keys that pass `keyFilter`.
    public func restore(from decoder: inout StateDecoder, keyFilter: (Key) -> Bool) throws(StateDecodingError) {
        try state.pointee.eventTimers.restore(from: &decoder, keyFilter: keyFilter)
        try state.pointee.processingTimers.restore(from: &decoder, keyFilter: keyFilter)
    }
}
