import Foundation
import JSON

/// Something that can sit in a ``Pipeline``: it has declared parameters and saves to a
/// directory.
///
/// The concrete kinds are ``Estimator`` (fits a ``Model``) and ``Transformer`` (maps tables
/// and rows).
public protocol PipelineStage: Sendable {
    /// A stable name written into saves and used to find the loader (for example "KMeans").
    static var stageType: String { get }
    /// Every parameter the stage reads, declared once.
    static var declaredParams: [AnyParam] { get }
    /// The explicitly set parameter values.
    var params: ParamMap { get set }
    /// Writes weights and other fitted state (parameters are written for you).
    func encodeState(into saved: inout SavedStage) throws(LearningError)
    /// Rebuilds the stage from a save; `saved.params` are already validated.
    init(decoding saved: SavedStage) throws(LearningError)
}

/// A stage whose whole state is its parameters, so it saves and loads without extra code.
public protocol ParameterOnlyStage: PipelineStage {
    /// A stage with every parameter at its default.
    init()
}

extension ParameterOnlyStage {
    public func encodeState(into saved: inout SavedStage) throws(LearningError) {}

    public init(decoding saved: SavedStage) throws(LearningError) {
        self.init()
        try setParams(fromJSON: saved.params)
    }
}

extension PipelineStage {
    /// The value of `param`: the one set, or its default.
    public func get<Value>(_ param: Param<Value>) -> Value {
        params.values[param.name].flatMap(Value.init(jsonValue:)) ?? param.defaultValue
    }

    /// Validates and sets `param`; throws ``LearningError/invalidParameter(name:value:reason:)``.
    public mutating func set<Value>(_ param: Param<Value>, _ value: Value) throws(LearningError) {
        try param.validate(value)
        params.values[param.name] = value.jsonValue
    }

    /// A copy with `param` set, for chaining: `try KMeans().with(KMeans.k, 3).with(KMeans.seed, 7)`.
    public func with<Value>(_ param: Param<Value>, _ value: Value) throws(LearningError) -> Self {
        var copy = self
        try copy.set(param, value)
        return copy
    }

    /// Every declared parameter with its effective value, as written to `params.json`.
    public var paramsJSON: [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for declared in Self.declaredParams {
            result[declared.name] = params.values[declared.name] ?? declared.defaultJSON
        }
        return result
    }

    /// Sets parameters from JSON, validating each; unknown names are rejected so a typo in a
    /// hand-edited file is not silently ignored. Names left out keep their current values,
    /// which is what lets saves from older versions (with fewer parameters) still load.
    public mutating func setParams(fromJSON json: [String: JSONValue]) throws(LearningError) {
        let declared = Dictionary(Self.declaredParams.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for name in json.keys.sorted() {
            guard let param = declared[name], let value = json[name] else {
                throw .unknownParameter(name: name, stage: Self.stageType)
            }
            try param.validateJSON(value)
            params.values[name] = value
        }
    }

    /// Saves the stage (parameters, fitted state, format version) to `directory`.
    public func save(to directory: URL) throws(LearningError) {
        try StageStore.save(self, to: directory)
    }
}
