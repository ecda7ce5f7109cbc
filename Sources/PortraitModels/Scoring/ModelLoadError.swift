import Learning

/// Why a version could not become a ``ModelScorer``. Nothing is returned in that case, so a
/// caller never holds a partly loaded model.
public enum ModelLoadError: Error, Equatable, CustomStringConvertible {
    /// The params column is not a stored model, or the model inside is inconsistent.
    case corruptParams(String)
    /// The params hold another kind of model than the version's algorithm.
    case wrongModelType(expected: String, found: String)
    /// The model reads a different number of values than the version lists features.
    case featureCountMismatch(features: Int, modelDimension: Int)
    /// Learning refused the stored stage (unknown parameter, bad value, corrupt arrays).
    case learning(LearningError)

    public var description: String {
        switch self {
        case .corruptParams(let reason): "corrupt params: \(reason)"
        case .wrongModelType(let expected, let found): "params hold a \(found), expected a \(expected)"
        case .featureCountMismatch(let features, let dimension): "the version lists \(features) feature(s) but the model reads \(dimension)"
        case .learning(let error): "\(error)"
        }
    }
}
