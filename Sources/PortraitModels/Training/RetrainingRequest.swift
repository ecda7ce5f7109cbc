/// One retraining: which model, on which profile fields, with which settings.
public struct RetrainingRequest: Sendable {
    public var name: String
    public var algorithm: ModelAlgorithm
    /// Profile fields, in the model's input order (``FeatureValue/isFeatureField(_:)``).
    public var features: [String]
    /// Required for logistic regression, ignored by k-means.
    public var label: FeatureLabel?
    /// k-means clusters. Default: 4.
    public var k: Int
    /// k-means++ seed. Default: 1.
    public var seed: UInt64
    /// Logistic regression's L2 strength: a little keeps weights finite on separable data. Default: 1e-4.
    public var regParam: Double
    /// Share of users held out for the metrics, by hash of the user id. Default: 20.
    public var testPercent: Int
    /// The model's promotion margin; `nil` keeps the registered one (or the default for a new model).
    public var promotionMargin: Double?
    /// Recorded as the version's creator and the promotion's actor.
    public var actor: String
    /// The scheduler run doing the retraining, kept as the version's `job_run_id`. Default: nil.
    public var jobRunId: UInt64?

    public init(
        name: String, algorithm: ModelAlgorithm, features: [String], label: FeatureLabel? = nil, k: Int = 4, seed: UInt64 = 1,
        regParam: Double = 1e-4, testPercent: Int = 20, promotionMargin: Double? = nil, actor: String = "retrainer",
        jobRunId: UInt64? = nil
    ) {
        self.name = name
        self.algorithm = algorithm
        self.features = features
        self.label = label
        self.k = k
        self.seed = seed
        self.regParam = regParam
        self.testPercent = testPercent
        self.promotionMargin = promotionMargin
        self.actor = actor
        self.jobRunId = jobRunId
    }
}

/// Why a retraining did not register anything.
public enum RetrainingError: Error, Equatable, CustomStringConvertible {
    case invalidRequest(String)
    /// Too few profiles (or held-out profiles) to fit and measure.
    case notEnoughData(String)

    public var description: String {
        switch self {
        case .invalidRequest(let reason): "invalid retraining: \(reason)"
        case .notEnoughData(let reason): "not enough data: \(reason)"
        }
    }
}
