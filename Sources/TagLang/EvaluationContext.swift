/// What an expression reads when it runs: one profile's values and the current time.
public protocol EvaluationContext {
    /// The value behind `reference`, `.null` when the profile has none.
    func value(of reference: Reference) -> Value
    /// "Now" in epoch milliseconds: event time in the processor, so replays agree.
    var nowMs: Int64 { get }
}

/// A context backed by dictionaries: for tests, `--dry-run` and `explain` over stored profiles.
public struct DictionaryContext: EvaluationContext, Sendable {
    public var values: [Reference: Value]
    public var nowMs: Int64

    public init(_ values: [Reference: Value] = [:], nowMs: Int64 = 0) {
        self.values = values
        self.nowMs = nowMs
    }

    public func value(of reference: Reference) -> Value { values[reference] ?? .null }
}
