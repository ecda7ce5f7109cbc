import Learning

/// One model version, loaded in full and immutable: what a processor scores profiles with.
///
/// The only way to get one is ``init(version:)`` (or ``ModelRegistry/activeScorer(_:)``), which
/// parses and checks the whole version before returning — a value of this type is never
/// half-loaded. Being an immutable value, a scorer taken for a batch keeps scoring with exactly
/// its version while another is published (``ActiveModels``). As a `ProfileScorer` it scores
/// inside the processor's evaluation (`ModelScorer+ProfileScorer.swift`); its `outputField` is
/// `model.<name>.score|cluster` and its `versionField` `model.<name>.version`.
public struct ModelScorer: Sendable {
    public let name: String
    public let version: Int
    public let algorithm: ModelAlgorithm
    /// The profile fields read, in the model's input order.
    public let features: [String]
    private let model: LoadedModel

    private enum LoadedModel: Sendable {
        case kmeans(KMeansModel)
        case logisticRegression(LogisticRegressionModel)
    }

    /// Loads `version`: parses the params, rebuilds the Learning model through `StageStore`,
    /// and checks that it is the version's algorithm, that it reads one value per listed
    /// feature and that its weights are finite.
    public init(version: ModelVersion) throws(ModelLoadError) {
        guard !version.features.isEmpty else { throw .corruptParams("the version lists no features") }
        let params = try ModelParams(json: version.params)
        let saved = try params.stage.savedStage()
        guard saved.stageType == version.algorithm.stageType else {
            throw .wrongModelType(expected: version.algorithm.stageType, found: saved.stageType)
        }
        let stage: any PipelineStage
        do { stage = try StageStore.decode(saved) } catch { throw .learning(error) }
        let dimension: Int
        switch stage {
        case let kmeans as KMeansModel:
            guard kmeans.centres.values.allSatisfy(\.isFinite) else { throw .corruptParams("a centre is not finite") }
            dimension = kmeans.dimension
            model = .kmeans(kmeans)
        case let regression as LogisticRegressionModel:
            guard regression.coefficients.allSatisfy(\.isFinite), regression.intercept.isFinite else {
                throw .corruptParams("a coefficient is not finite")
            }
            dimension = regression.dimension
            model = .logisticRegression(regression)
        default:
            throw .wrongModelType(expected: version.algorithm.stageType, found: saved.stageType)
        }
        guard dimension == version.features.count else {
            throw .featureCountMismatch(features: version.features.count, modelDimension: dimension)
        }
        name = version.name
        self.version = version.version
        algorithm = version.algorithm
        features = version.features
    }

    /// Scores one profile from its hash fields (``FeatureValue`` reads them; missing → 0).
    public func score(_ fields: [String: String]) throws(LearningError) -> ModelScore {
        try score(vector: FeatureValue.vector(fields, features: features))
    }

    /// Scores one feature vector in ``features`` order.
    public func score(vector: [Double]) throws(LearningError) -> ModelScore {
        switch model {
        case .kmeans(let kmeans): .cluster(try kmeans.predict(vector).cluster)
        case .logisticRegression(let regression): .probability(try regression.probability(vector))
        }
    }

    /// The fields to write into the profile hash for `fields`: the output and the version,
    /// always together so a profile never shows one version's score under another's number.
    public func profileFields(for fields: [String: String]) throws(LearningError) -> [String: String] {
        [outputField: try score(fields).text, versionField: String(version)]
    }
}
