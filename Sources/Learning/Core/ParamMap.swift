import JSON
/// The explicitly set parameter values of one stage, keyed by parameter name.
///
/// Values are kept as JSON so a stage's parameters save and load without per-stage code;
/// they are validated when set, so everything in a map is valid for its declaration.
public struct ParamMap: Sendable, Equatable {
    /// Set values by name; parameters left out take their defaults.
    public internal(set) var values: [String: JSONValue] = [:]

    /// An empty map: every parameter at its default.
    public init() {}
}
