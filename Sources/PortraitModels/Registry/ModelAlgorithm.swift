import Learning

/// The algorithms the registry can train, store and score. The raw value is what
/// `models.algorithm` and `model_versions.algorithm` hold.
public enum ModelAlgorithm: String, Sendable, CaseIterable, Codable {
    case kmeans
    case logisticRegression = "logistic_regression"

    /// The Learning stage type a version's params must hold.
    var stageType: String {
        switch self {
        case .kmeans: KMeansModel.stageType
        case .logisticRegression: LogisticRegressionModel.stageType
        }
    }

    /// The profile output this algorithm writes: `model.<name>.<output>`.
    public var output: String {
        switch self {
        case .kmeans: "cluster"
        case .logisticRegression: "score"
        }
    }
}
