import Learning

/// One registered version of a model (a row of `model_versions`), params included.
public struct ModelVersion: Sendable, Equatable {
    public var name: String
    public var version: Int
    public var algorithm: ModelAlgorithm
    public var status: ModelStatus
    /// The fitted model as JSON (``ModelParams``): parse it with ``ModelScorer/init(version:)``.
    public var params: String
    /// Held-out quality, e.g. `auc`, `log_loss` or `sse_per_row` (names in ``PromotionRule``).
    public var metrics: [String: Double]
    /// The ordered profile fields the model reads (`m.<metric>`, `a.<attr>`, `t.<tag>`).
    public var features: [String]
    /// The profiles' `_updated` range the training data came from (UTC text), if known.
    public var trainingFrom: String?
    public var trainingTo: String?
    public var trainingRows: Int?
    /// Where a copy of the model lives outside MySQL, if anywhere, and its SHA-256.
    public var artifactLocation: String?
    public var artifactSHA256: String?
    public var createdBy: String?
    public var createdAt: String
    public var promotedAt: String?
    public var retiredAt: String?
}

/// What a caller supplies to register a version; the registry adds the number, the status
/// (`candidate`) and the times.
public struct ModelVersionDraft: Sendable {
    public var params: String
    public var metrics: [String: Double]
    public var features: [String]
    /// Epoch milliseconds.
    public var trainingFromMs: Int64?
    public var trainingToMs: Int64?
    public var trainingRows: Int?
    public var artifactLocation: String?
    public var artifactSHA256: String?
    public var jobRunId: UInt64?

    public init(
        params: String, metrics: [String: Double], features: [String], trainingFromMs: Int64? = nil, trainingToMs: Int64? = nil,
        trainingRows: Int? = nil, artifactLocation: String? = nil, artifactSHA256: String? = nil, jobRunId: UInt64? = nil
    ) {
        self.params = params
        self.metrics = metrics
        self.features = features
        self.trainingFromMs = trainingFromMs
        self.trainingToMs = trainingToMs
        self.trainingRows = trainingRows
        self.artifactLocation = artifactLocation
        self.artifactSHA256 = artifactSHA256
        self.jobRunId = jobRunId
    }
}

extension ModelVersionDraft {
    /// A draft holding a fitted Learning model (``KMeansModel`` or ``LogisticRegressionModel``)
    /// in the registry's params format; `label` is the classifier's training label.
    public init(model: some PipelineStage, label: FeatureLabel? = nil, metrics: [String: Double], features: [String]) throws {
        self.init(params: try ModelParams(model: model, label: label).json(), metrics: metrics, features: features)
    }
}
