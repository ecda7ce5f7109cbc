/// Why the registry refused a request. Descriptions are one line a person can act on.
public enum ModelRegistryError: Error, Equatable, CustomStringConvertible {
    case modelNotFound(name: String)
    case versionNotFound(name: String, version: Int)
    case alreadyExists(name: String)
    /// Names end up in `model.<name>.score`, so they must be TagLang-friendly.
    case invalidName(String)
    case invalidMargin(Double)
    /// The model exists with another algorithm; versions of one name must be comparable.
    case algorithmMismatch(name: String, registered: ModelAlgorithm, requested: ModelAlgorithm)
    case alreadyActive(name: String, version: Int)
    /// The candidate does not beat the active version by the margin (``PromotionRule``).
    case notBetter(name: String, version: Int, reason: String)
    /// The version's params do not load; promoting it would leave processors nothing to score with.
    case unloadable(name: String, version: Int, reason: String)
    /// Rollback needs a version that was active before the current one.
    case nothingToRollBack(name: String)

    public var description: String {
        switch self {
        case .modelNotFound(let name): "no model named \(name)"
        case .versionNotFound(let name, let version): "model \(name) has no version \(version)"
        case .alreadyExists(let name): "a model named \(name) already exists"
        case .invalidName(let name): "invalid model name '\(name)': use a letter, then letters, digits or _ (at most 128)"
        case .invalidMargin(let margin): "invalid promotion margin \(margin): must be a finite number ≥ 0"
        case .algorithmMismatch(let name, let registered, let requested):
            "model \(name) is \(registered.rawValue), not \(requested.rawValue): use another name"
        case .alreadyActive(let name, let version): "model \(name) v\(version) is already active"
        case .notBetter(let name, let version, let reason): "model \(name) v\(version) not promoted: \(reason) (use --force to promote anyway)"
        case .unloadable(let name, let version, let reason): "model \(name) v\(version) cannot be loaded: \(reason)"
        case .nothingToRollBack(let name): "model \(name) has no earlier active version to roll back to"
        }
    }
}
