import TagLang

/// An active metric ready to run: its filter compiled once. A class, so the per-event loops
/// over the definition set pass references instead of copying (and retaining) every field.
public final class CompiledMetric: Sendable {
    public let name: String
    public let version: Int
    public let filter: CompiledExpression
    public let aggregation: MetricAggregation
    public let field: String?
    public let window: MetricWindow
    /// Names the state this metric keeps. A change to what is computed (filter, aggregation,
    /// field, window) gives a new key, so state built under the old meaning is never reused.
    public let stateKey: String

    public init(_ definition: MetricDefinition, version: Int, eventFields: [String: ValueType]) throws(DefinitionError) {
        do {
            filter = try CompiledExpression(definition.filter, schema: TagLangSchema(eventFields: eventFields))
        } catch {
            throw DefinitionError(field: "filter", message: error.description, location: error.location)
        }
        name = definition.name
        self.version = version
        aggregation = definition.aggregation
        field = definition.field
        window = definition.window
        let meaning = "\(definition.filter)|\(aggregation.rawValue)|\(field ?? "")|\(window)"
        stateKey = "\(name)#\(Fingerprint.hex(meaning))"
    }
}

/// An active tag ready to run (a class for the reason ``CompiledMetric`` is).
public final class CompiledTag: Sendable {
    public let name: String
    public let version: Int
    public let kind: TagDefinition.Kind
    public let expression: CompiledExpression

    init(name: String, version: Int, kind: TagDefinition.Kind, expression: CompiledExpression) {
        self.name = name
        self.version = version
        self.kind = kind
        self.expression = expression
    }
}

/// Stable 32-bit FNV-1a, for names that must agree across processes and restarts.
enum Fingerprint {
    static func hex(_ text: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
