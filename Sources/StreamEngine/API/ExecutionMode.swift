/// How a job runs; both modes execute the same operators and give the same results on the
/// same bounded input.
public enum ExecutionMode: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Unbounded semantics: periodic watermarks advance event time and windows fire as data
    /// flows; processing-time timers follow the clock.
    case stream
    /// Bounded input: no periodic watermarks; event time jumps to +∞ at end of input, so every
    /// timer fires once, in timestamp order. Processing-time timers fire at the end as well.
    case batch

    /// Parses `"stream"`/`"streaming"` or `"batch"`, case-insensitively.
    public init?(parsing text: String) {
        switch text.lowercased() {
        case "stream", "streaming": self = .stream
        case "batch": self = .batch
        default: return nil
        }
    }

    public var description: String { rawValue }
}
