/// A stage that learns from a bounded table and returns a fitted ``Model``.
public protocol Estimator<FittedModel>: PipelineStage {
    /// The model `fit` returns.
    associatedtype FittedModel: Model
    /// Fits on `table`; throws a ``LearningError`` for empty tables, non-finite values,
    /// wrong column types and invalid parameters.
    func fit(_ table: Table) throws(LearningError) -> FittedModel
}

/// A fitted transformer: the result of ``Estimator/fit(_:)``.
public protocol Model: Transformer {}
