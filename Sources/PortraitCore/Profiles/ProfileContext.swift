import TagLang

/// What a tag expression reads: one profile's attributes, metric values, the tags computed
/// before it and the model outputs (``ProfileState/modelOutputs``), at the profile's clock.
struct ProfileContext: EvaluationContext {
    var attributes: [String: Value]
    var metrics: [String: Value]
    var tags: [String: Value]
    var models: [String: Value] = [:]
    var nowMs: Int64

    func value(of reference: Reference) -> Value {
        switch reference {
        case .attribute(let name): attributes[name] ?? .null
        case .metric(let name): metrics[name] ?? .null
        case .tag(let name): tags[name] ?? .null
        case .model(let name, let output): models["model.\(name).\(output)"] ?? .null
        case .event: .null
        }
    }
}

/// What a metric filter reads: the event's fields.
struct EventContext: EvaluationContext {
    var fields: [String: Value]
    var nowMs: Int64

    func value(of reference: Reference) -> Value {
        if case .event(let name) = reference { return fields[name] ?? .null }
        return .null
    }
}
