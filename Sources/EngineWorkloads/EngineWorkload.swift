/// The benchmark's engine workloads (see `bench/README.md`).
public enum EngineWorkload: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Per user and event type, 1-hour tumbling windows: count and sum(amount).
    case w1 = "W1"
    /// Purchases per user in 7-day windows sliding by 1 day.
    case w2 = "W2"
    /// Events per user session (30-minute gap).
    case w3 = "W3"

    /// Parses `"W1"`…`"W3"`, case-insensitively.
    public init?(parsing text: String) {
        self.init(rawValue: text.uppercased())
    }

    public var description: String { rawValue }
}
