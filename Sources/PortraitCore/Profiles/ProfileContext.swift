import TagLang

/// What a tag expression reads: one profile's attributes, metric values, the tags computed
/// before it and the model outputs (``ProfileState/modelOutputs``), at the profile's clock.
///
/// A class so that handing it to each compiled tag (`any EvaluationContext`) passes a
/// reference: as a struct of four dictionaries it was boxed on the heap once per tag.
final class ProfileContext: EvaluationContext {
    // Constants where they can be: a `let` is read without an exclusivity check.
    let attributes: [String: Value]
    let metrics: [String: Value]
    var tags: [String: Value]
    var models: [String: Value]
    let nowMs: Int64

    init(attributes: [String: Value], metrics: [String: Value], tags: [String: Value], models: [String: Value] = [:], nowMs: Int64) {
        self.attributes = attributes
        self.metrics = metrics
        self.tags = tags
        self.models = models
        self.nowMs = nowMs
    }

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
