import JSON
import PortraitModels
import PortraitScheduler

/// A `retrain` job's params as a ``RetrainingRequest``:
///
/// ```json
/// {"model": "buyer", "algorithm": "logistic_regression", "features": ["m.spend", "m.visits"], "label": "t.buyer",
///  "k": 4, "seed": 1, "reg_param": 0.0001, "test_percent": 20, "margin": 0.01}
/// ```
///
/// `model`, `algorithm` and `features` (an array, or one comma-separated string) are required;
/// `label` too for logistic regression. The rest default as in `portrait models retrain`.
enum RetrainParams {
    static let keys: Set<String> = ["model", "algorithm", "features", "label", "k", "seed", "reg_param", "test_percent", "margin"]

    static func request(from params: JSONValue) throws(JobParamsError) -> RetrainingRequest {
        let reader = try JobParams(params, allowed: keys)
        let algorithmName = try reader.requiredString("algorithm")
        guard let algorithm = ModelAlgorithm(rawValue: algorithmName) else {
            throw JobParamsError(key: "algorithm", "must be \(ModelAlgorithm.allCases.map(\.rawValue).joined(separator: " or ")), got \"\(algorithmName)\"")
        }
        guard let features = try reader.strings("features"), !features.isEmpty else {
            throw JobParamsError(key: "features", "is required: the profile fields to train on, e.g. [\"m.spend\", \"m.visits\"]")
        }
        var label: FeatureLabel?
        if let spec = try reader.string("label") {
            do throws(FeatureLabelError) { label = try FeatureLabel(spec: spec) } catch { throw JobParamsError(key: "label", error.description) }
        }
        var request = RetrainingRequest(name: try reader.requiredString("model"), algorithm: algorithm, features: features, label: label)
        if let k = try reader.integer("k") { request.k = k }
        if let seed = try reader.integer("seed") {
            guard seed >= 0 else { throw JobParamsError(key: "seed", "must be ≥ 0") }
            request.seed = UInt64(seed)
        }
        if let regParam = try reader.number("reg_param") { request.regParam = regParam }
        if let testPercent = try reader.integer("test_percent") { request.testPercent = testPercent }
        request.promotionMargin = try reader.number("margin")
        return request
    }
}
