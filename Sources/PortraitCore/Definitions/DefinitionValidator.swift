import TagLang

/// Checks definitions before they are stored: names, fields, windows, and every expression
/// type-checked against what exists (so the API and the CLI reject the same things).
public struct DefinitionValidator: Sendable {
    /// Event fields a metric filter may read. Default: the standard behaviour-event fields.
    public var eventFields: [String: ValueType]
    /// Profile attributes tags may read.
    public var attributes: [String: ValueType]
    /// Models tags may read.
    public var models: Set<String>

    public static let standardEventFields: [String: ValueType] = [
        "type": .string, "user_id": .string, "ts": .timestamp, "item_id": .string, "category": .string, "amount": .number,
    ]

    public init(eventFields: [String: ValueType] = Self.standardEventFields, attributes: [String: ValueType] = [:], models: Set<String> = []) {
        self.eventFields = eventFields
        self.attributes = attributes
        self.models = models
    }

    public func validate(_ metric: MetricDefinition) throws(DefinitionError) {
        try Self.checkName(metric.name)
        if let field = metric.field, !Identifier.isValid(field) {
            throw DefinitionError(field: "field", message: Identifier.problem(with: field))
        }
        try DefinitionTextLimits.check(description: metric.description, owner: metric.owner)
        let filter: CompiledExpression
        do { filter = try CompiledExpression(metric.filter, schema: TagLangSchema(eventFields: eventFields)) } catch {
            throw DefinitionError(field: "filter", error)
        }
        guard filter.type == .bool || filter.type == .null else {
            throw DefinitionError(field: "filter", message: "must be a boolean expression, is a \(filter.type)")
        }
        if metric.aggregation.needsField {
            guard let field = metric.field else {
                throw DefinitionError(field: "field", message: "\(metric.aggregation.rawValue) needs the event field to aggregate")
            }
            guard let type = eventFields[field] else {
                throw DefinitionError(field: "field", message: "unknown event field '\(field)'; known: \(eventFields.keys.sorted().joined(separator: ", "))")
            }
            if [.sum, .min, .max, .avg].contains(metric.aggregation), type != .number {
                throw DefinitionError(field: "field", message: "\(metric.aggregation.rawValue) needs a number field; '\(field)' is a \(type)")
            }
        }
    }

    /// The type a metric's value has, for the tag schema.
    public func valueType(of metric: MetricDefinition) -> ValueType {
        switch metric.aggregation {
        case .count, .sum, .min, .max, .avg, .distinct: .number
        case .firstSeen, .lastSeen: .timestamp
        case .lastValue: metric.field.flatMap { eventFields[$0] } ?? .string
        }
    }

    /// Checks a tag against the metrics and tags that exist (itself excluded, so no tag reads itself).
    public func validate(_ tag: TagDefinition, metrics: [MetricDefinition], tags: [TagDefinition]) throws(DefinitionError) {
        try Self.checkName(tag.name)
        try DefinitionTextLimits.check(description: tag.description, owner: tag.owner, category: tag.categoryPath)
        guard tag.categoryPath.split(separator: "/", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty }) || tag.categoryPath.isEmpty else {
            throw DefinitionError(field: "category", message: "a category path is names separated by '/', got '\(tag.categoryPath)'")
        }
        var metricTypes: [String: ValueType] = [:]
        for metric in metrics where metric.status != .retired { metricTypes[metric.name] = valueType(of: metric) }
        var tagTypes: [String: ValueType] = [:]
        for other in tags where other.status != .retired && other.name != tag.name {
            tagTypes[other.name] = other.kind == .boolean ? .bool : .string
        }
        let schema = TagLangSchema(attributes: attributes, metrics: metricTypes, tags: tagTypes, models: models)
        let compiled: CompiledExpression
        do { compiled = try CompiledExpression(tag.expression, schema: schema) } catch {
            throw DefinitionError(field: "expression", error)
        }
        switch (tag.kind, compiled.type) {
        case (.boolean, .bool), (.boolean, .null), (.enumerated, .string), (.enumerated, .null): break
        default:
            throw DefinitionError(field: "expression", message: "a \(tag.kind.rawValue) tag needs a \(tag.kind == .boolean ? "boolean" : "string") expression, this one is a \(compiled.type)")
        }
    }

    static func checkName(_ name: String) throws(DefinitionError) {
        guard Identifier.isValid(name) else { throw DefinitionError(field: "name", message: Identifier.problem(with: name)) }
    }
}
