/// Event-time helpers shared by the whole engine.
///
/// Timestamps and watermarks are plain `Int64` milliseconds since the Unix epoch so the hot
/// path stays integer math; this namespace names the special values.
public enum Watermark {
    /// No event time has been seen yet: nothing may fire.
    public static let minimum: Int64 = .min
    /// End of input: every event-time timer fires (Flink's `MAX_WATERMARK`).
    public static let maximum: Int64 = .max
}
