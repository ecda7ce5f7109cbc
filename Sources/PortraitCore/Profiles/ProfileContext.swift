import TagLang

/// What a tag expression reads when it is explained over a stored profile: its attributes,
/// metric values, tags and model outputs (``ProfileState/modelOutputs``), at the profile's
/// clock. (Evaluation reads slots instead: ``ProfileSlots``.)
struct ProfileContext: EvaluationContext {
    let attributes: NamedValues
    let metrics: NamedValues
    let tags: NamedValues
    let models: NamedValues
    let nowMs: Int64

    init(attributes: NamedValues, metrics: NamedValues, tags: NamedValues, models: NamedValues, nowMs: Int64) {
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
