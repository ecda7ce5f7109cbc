/// Online logistic regression by FTRL-Proximal (McMahan et al., "Ad Click Prediction: a View
/// from the Trenches", KDD 2013): per-coordinate learning rates `α / (β + √Σg²)`, L1 for
/// sparsity and L2 for shrinkage, built for sparse hashed features.
///
/// As an ``Estimator`` it makes one pass over a table in mini-batches of `batchSize` rows
/// (1 = pure online). For a stream, create an ``FTRLLearner`` with ``makeLearner(dimension:)``,
/// feed it examples as they arrive and publish ``FTRLLearner/snapshot()`` to a
/// ``ModelPredictor`` whenever the serving side should see the newer model.
public struct FTRL: Estimator, ParameterOnlyStage {
    public static let stageType = "FTRL"
    /// Feature column (sparse vector, dense vector or numeric). Default: "features".
    public static let featuresColumn = Param<String>("featuresColumn", default: "features", doc: "sparse or dense feature column", rule: .nonEmpty)
    /// Label column with values 0 and 1. Default: "label".
    public static let labelColumn = Param<String>("labelColumn", default: "label", doc: "label column (0 or 1)", rule: .nonEmpty)
    /// Column for the predicted class in the produced model. Default: "prediction".
    public static let predictionColumn = Param<String>("predictionColumn", default: "prediction", doc: "column for the predicted class", rule: .nonEmpty)
    /// Column for P(label = 1) in the produced model. Default: "probability".
    public static let probabilityColumn = Param<String>("probabilityColumn", default: "probability", doc: "column for P(label = 1)", rule: .nonEmpty)
    /// Learning-rate scale α. Default: 0.1.
    public static let alpha = Param<Double>("alpha", default: 0.1, doc: "learning-rate scale alpha", rule: .greaterThan(0))
    /// Learning-rate smoothing β. Default: 1.
    public static let beta = Param<Double>("beta", default: 1, doc: "learning-rate smoothing beta", rule: .finiteAtLeast(0))
    /// L1 strength λ₁ (per example). Default: 0.
    public static let l1 = Param<Double>("l1", default: 0, doc: "L1 strength lambda1", rule: .finiteAtLeast(0))
    /// L2 strength λ₂ (per example). Default: 0.
    public static let l2 = Param<Double>("l2", default: 0, doc: "L2 strength lambda2", rule: .finiteAtLeast(0))
    /// Rows per update; 1 updates after every example. Default: 1.
    public static let batchSize = Param<Int>("batchSize", default: 1, doc: "examples per update (1 = pure online)", rule: .atLeast(1))
    /// Learn an intercept (a bias feature that is never regularised). Default: true.
    public static let fitIntercept = Param<Bool>("fitIntercept", default: true, doc: "learn an unregularised intercept")
    public static let declaredParams = [featuresColumn.erased, labelColumn.erased, predictionColumn.erased, probabilityColumn.erased,
                                        alpha.erased, beta.erased, l1.erased, l2.erased, batchSize.erased, fitIntercept.erased]
    public var params = ParamMap()

    /// FTRL with default parameters.
    public init() {}

    /// A learner for feature vectors of `dimension` (for hashed features, `2^numFeaturesLog2`).
    public func makeLearner(dimension: Int) throws(LearningError) -> FTRLLearner {
        guard dimension > 0 else {
            throw .invalidParameter(name: "dimension", value: String(dimension), reason: "must be at least 1")
        }
        return FTRLLearner(configuration: self, dimension: dimension)
    }

    /// One pass over `table`; the table must contain both classes.
    public func fit(_ table: Table) throws(LearningError) -> LogisticRegressionModel {
        guard table.rowCount > 0 else { throw .emptyTable(operation: "FTRL.fit") }
        let features = try FeatureMatrix.read(table, column: get(Self.featuresColumn))
        let labels = try LabelColumn.binary(table, column: get(Self.labelColumn))
        var learner = try makeLearner(dimension: features.dimension)
        // Features and labels are validated above, so train on them without checking again.
        learner.train(rows: features.compressedRows, labels: labels)
        return learner.snapshot()
    }
}
