/// Per-key timers of one operator instance, in event time and processing time.
///
/// A class because the operator, its trigger contexts and its process-function contexts all
/// register timers on the same instance. The owning operator advances the clocks.
public final class TimerService<Key: Hashable & StateCodable, Namespace: Hashable & StateCodable> {
    /// Event-time timers, fired as the watermark passes them.
    public var eventTimers = TimerQueue<Key, Namespace>()
    /// Processing-time timers, fired as the task's clock passes them.
    public var processingTimers = TimerQueue<Key, Namespace>()
    /// The operator's current watermark.
    public var currentWatermark: Int64 = Watermark.minimum
    /// The operator's current processing time.
    public var currentProcessingTime: Int64 = Watermark.minimum

    /// Creates an empty service.
    public init() {}

    /// Registers an event-time timer (fires once the watermark reaches `time`).
    @inlinable
    public func registerEventTimeTimer(_ time: Int64, key: Key, namespace: Namespace) {
        eventTimers.register(time, key: key, namespace: namespace)
    }

    /// Deletes an event-time timer.
    @inlinable
    public func deleteEventTimeTimer(_ time: Int64, key: Key, namespace: Namespace) {
        eventTimers.delete(time, key: key, namespace: namespace)
    }

    /// Registers a processing-time timer.
    @inlinable
    public func registerProcessingTimeTimer(_ time: Int64, key: Key, namespace: Namespace) {
        processingTimers.register(time, key: key, namespace: namespace)
    }

    /// Deletes a processing-time timer.
    @inlinable
    public func deleteProcessingTimeTimer(_ time: Int64, key: Key, namespace: Namespace) {
        processingTimers.delete(time, key: key, namespace: namespace)
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
        try eventTimers.restore(from: &decoder, keyFilter: keyFilter)
        try processingTimers.restore(from: &decoder, keyFilter: keyFilter)
    }
}
