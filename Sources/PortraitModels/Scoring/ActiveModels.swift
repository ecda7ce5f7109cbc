import Synchronization

/// The scorers a processor uses, one per model name, swapped atomically.
///
/// Load a version in full first (``ModelRegistry/activeScorer(_:)``), then ``publish(_:)`` it:
/// the swap is a single assignment under a lock. Take a ``snapshot()`` per batch and score the
/// whole batch with it, so every profile written in the batch carries exactly one version of
/// each model even if a promotion is published meanwhile.
public final class ActiveModels: Sendable {
    private let scorers = Mutex<[String: ModelScorer]>([:])

    public init() {}

    /// Makes `scorer` the one used for its model name from the next snapshot on.
    public func publish(_ scorer: ModelScorer) {
        scorers.withLock { $0[scorer.name] = scorer }
    }

    /// Stops scoring with model `name` (no active version any more).
    public func remove(_ name: String) {
        _ = scorers.withLock { $0.removeValue(forKey: name) }
    }

    /// The scorers at this moment, by model name.
    public func snapshot() -> [String: ModelScorer] {
        scorers.withLock { $0 }
    }
}
