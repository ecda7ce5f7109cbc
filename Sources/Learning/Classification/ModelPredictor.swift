import Synchronization

/// Serves predictions from the latest published model while a learner keeps training.
///
/// The model is held behind a `Mutex`, so ``publish(_:)`` swaps it atomically: a scoring
/// call sees either the old model or the new one, never a mix. Because models are immutable
/// values, a caller keeps scoring with the copy it took even if a newer model is published
/// meanwhile. Scoring before the first ``publish(_:)`` throws ``LearningError/noModelYet``.
public final class ModelPredictor<ServedModel: Model>: Sendable {
    private let slot: Mutex<ServedModel?>

    /// A predictor with no model yet.
    public init() {
        slot = Mutex(nil)
    }

    /// A predictor serving `model` from the start.
    public init(model: ServedModel) {
        slot = Mutex(model)
    }

    /// Replaces the served model.
    public func publish(_ model: ServedModel) {
        slot.withLock { $0 = model }
    }

    /// Whether a model has been published.
    public var hasModel: Bool {
        slot.withLock { $0 != nil }
    }

    /// The model being served; throws ``LearningError/noModelYet`` before the first publish.
    public func currentModel() throws(LearningError) -> ServedModel {
        guard let model = slot.withLock({ $0 }) else { throw .noModelYet }
        return model
    }

    /// Scores one row with the current model.
    public func transform(_ row: Row) throws(LearningError) -> Row {
        try currentModel().transform(row)
    }
}

extension ModelPredictor where ServedModel == LogisticRegressionModel {
    /// `P(label = 1)` for `features` under the current model.
    public func probability(_ features: SparseVector) throws(LearningError) -> Double {
        try currentModel().probability(features)
    }
}

extension ModelPredictor where ServedModel == KMeansModel {
    /// The nearest centre under the current model.
    public func predict(_ point: [Double]) throws(LearningError) -> (cluster: Int, distance: Double) {
        try currentModel().predict(point)
    }
}
