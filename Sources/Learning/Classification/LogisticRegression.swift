import Foundation

/// Batch binary logistic regression with L2, L1 or elastic-net regularisation.
///
/// Minimises the class-weighted mean log loss plus `regParam·((1 − α)/2·‖w‖² + α·‖w‖₁)`
/// (α = `elasticNetParam`; the intercept is not regularised) with L-BFGS when α·regParam = 0
/// and OWL-QN otherwise. Labels must be 0 or 1 and both must occur. Features come from a
/// numeric, dense vector or sparse vector column and are used as given (no standardisation),
/// so the solution is the exact minimiser of the objective above.
public struct LogisticRegression: Estimator, ParameterOnlyStage {
    public static let stageType = "LogisticRegression"
    /// Feature column (numeric, dense or sparse vector). Default: "features".
    public static let featuresColumn = Param<String>("featuresColumn", default: "features", doc: "numeric, dense or sparse vector feature column", rule: .nonEmpty)
    /// Label column with values 0 and 1. Default: "label".
    public static let labelColumn = Param<String>("labelColumn", default: "label", doc: "label column (0 or 1)", rule: .nonEmpty)
    /// Column for the predicted class. Default: "prediction".
    public static let predictionColumn = Param<String>("predictionColumn", default: "prediction", doc: "column for the predicted class", rule: .nonEmpty)
    /// Column for P(label = 1). Default: "probability".
    public static let probabilityColumn = Param<String>("probabilityColumn", default: "probability", doc: "column for P(label = 1)", rule: .nonEmpty)
    /// Regularisation strength λ. Default: 0.
    public static let regParam = Param<Double>("regParam", default: 0, doc: "regularisation strength (lambda)", rule: .finiteAtLeast(0))
    /// Elastic-net mix α: 0 is pure L2, 1 pure L1. Default: 0.
    public static let elasticNetParam = Param<Double>("elasticNetParam", default: 0, doc: "0 = L2, 1 = L1, between = elastic net", rule: .finiteWithin(0 ... 1))
    /// Fit an intercept. Default: true.
    public static let fitIntercept = Param<Bool>("fitIntercept", default: true, doc: "fit an unregularised intercept")
    /// Iteration limit. Default: 100.
    public static let maxIterations = Param<Int>("maxIterations", default: 100, doc: "maximum optimiser iterations", rule: .atLeast(1))
    /// Gradient-norm tolerance. Default: 1e-6.
    public static let tolerance = Param<Double>("tolerance", default: 1e-6, doc: "stop when the gradient norm is below tolerance × max(1, ‖w‖)", rule: .finiteAtLeast(0))
    /// Weights of class 0 and class 1. Default: [1, 1].
    public static let classWeights = Param<[Double]>("classWeights", default: [1, 1], doc: "weights of class 0 and class 1", rule: ParamRule { weights in
        weights.count == 2 && weights.allSatisfy { $0.isFinite && $0 > 0 } ? nil : "must be two positive finite numbers [weight of 0, weight of 1]"
    })
    /// Probability above which the predicted class is 1. Default: 0.5.
    public static let threshold = Param<Double>("threshold", default: 0.5, doc: "probability above which the prediction is 1", rule: .finiteWithin(0 ... 1))
    public static let declaredParams = [featuresColumn.erased, labelColumn.erased, predictionColumn.erased, probabilityColumn.erased,
                                        regParam.erased, elasticNetParam.erased, fitIntercept.erased, maxIterations.erased,
                                        tolerance.erased, classWeights.erased, threshold.erased]
    public var params = ParamMap()

    /// Logistic regression with default parameters.
    public init() {}

    public func fit(_ table: Table) throws(LearningError) -> LogisticRegressionModel {
        guard table.rowCount > 0 else { throw .emptyTable(operation: "LogisticRegression.fit") }
        let features = try FeatureMatrix.read(table, column: get(Self.featuresColumn))
        let labels = try LabelColumn.binary(table, column: get(Self.labelColumn))
        let lambda = get(Self.regParam), alpha = get(Self.elasticNetParam)
        let fitIntercept = get(Self.fitIntercept)
        let objective = LogisticObjective(features: features, labels: labels, classWeights: get(Self.classWeights),
                                          l2: lambda * (1 - alpha), fitIntercept: fitIntercept)
        var l1 = [Double](repeating: lambda * alpha, count: objective.parameterCount)
        if fitIntercept { l1[features.dimension] = 0 }
        var start = [Double](repeating: 0, count: objective.parameterCount)
        if fitIntercept {
            // Starting at the log-odds of the (weighted) base rate saves the first iterations.
            let weights = get(Self.classWeights)
            let positives = labels.reduce(0, +) * weights[1], negatives = Double(labels.count - Int(labels.reduce(0, +))) * weights[0]
            start[features.dimension] = log(positives / negatives)
        }
        let optimizer = QuasiNewtonOptimizer(maxIterations: get(Self.maxIterations), tolerance: get(Self.tolerance), l1: l1)
        let result = try optimizer.minimize(from: start) { x, gradient in objective.evaluate(x, gradient: &gradient) }
        guard result.x.allSatisfy(\.isFinite) else { throw .diverged(operation: "logistic regression", iteration: result.iterations) }
        return LogisticRegressionModel(params: params, coefficients: Array(result.x[0 ..< features.dimension]),
                                       intercept: fitIntercept ? result.x[features.dimension] : 0,
                                       iterations: result.iterations, objective: result.value)
    }
}
