/// The names an expression may use, with their types: what the type checker checks against.
public struct TagLangSchema: Sendable {
    public var attributes: [String: ValueType]
    public var metrics: [String: ValueType]
    public var tags: [String: ValueType]
    /// Model names; each has `score` (number) and `cluster` (number).
    public var models: Set<String>
    /// Fields of the event a metric filter looks at.
    public var eventFields: [String: ValueType]

    public init(
        attributes: [String: ValueType] = [:], metrics: [String: ValueType] = [:], tags: [String: ValueType] = [:],
        models: Set<String> = [], eventFields: [String: ValueType] = [:]
    ) {
        self.attributes = attributes
        self.metrics = metrics
        self.tags = tags
        self.models = models
        self.eventFields = eventFields
    }

    func type(of reference: Reference) -> ValueType? {
        switch reference {
        case .attribute(let name): attributes[name]
        case .metric(let name): metrics[name]
        case .tag(let name): tags[name]
        case .model(let name, _): models.contains(name) ? .number : nil
        case .event(let name): eventFields[name]
        }
    }

    func known(for reference: Reference) -> [String] {
        switch reference {
        case .attribute: attributes.keys.sorted()
        case .metric: metrics.keys.sorted()
        case .tag: tags.keys.sorted()
        case .model: models.sorted()
        case .event: eventFields.keys.sorted()
        }
    }
}
