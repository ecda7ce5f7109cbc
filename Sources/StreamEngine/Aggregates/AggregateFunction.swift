/// An incremental aggregate: fold inputs into an accumulator, merge accumulators, read a result
/// (Flink's `AggregateFunction`).
///
/// Windows keep one accumulator per (key, window) in keyed state, so `Accumulator` must be
/// ``StateCodable``; `merge` is what session windows use when they join.
public protocol AggregateFunction: Sendable {
    /// The element type folded in.
    associatedtype Input
    /// The running state.
    associatedtype Accumulator: StateCodable
    /// The aggregate's result.
    associatedtype Output

    /// A fresh accumulator.
    func createAccumulator() -> Accumulator
    /// Folds `value` (with its event timestamp) into `accumulator`.
    func add(_ value: Input, timestamp: Int64, to accumulator: inout Accumulator)
    /// Folds `other` into `accumulator`.
    func merge(_ other: Accumulator, into accumulator: inout Accumulator)
    /// The result for `accumulator`.
    func result(_ accumulator: Accumulator) -> Output
}
