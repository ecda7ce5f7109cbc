import TagLang

/// The active metrics and tags a processor computes, compiled, with tags in dependency order
/// (a tag that reads another tag comes after it). Built whenever a definition changes; a
/// definition that no longer compiles against the others (a metric it reads was retired, a
/// cycle) is left out and reported in `problems`, never half-applied.
///
/// A class (it never changes once built): the evaluator holding it is copied on every call a
/// processor makes through its job, and a copy of a struct of ~20 arrays and tables retained
/// and released each of them, per event (Benchmarks/README.md, issue 15 seventh step).
public final class DefinitionSet: Sendable {
    public struct Versioned<Definition: Sendable>: Sendable {
        public var definition: Definition
        public var version: Int
        public init(_ definition: Definition, version: Int) {
            self.definition = definition
            self.version = version
        }
    }

    public let metrics: [CompiledMetric]
    /// The metrics' names, in order (metrics are sorted by name): the names of every profile's
    /// metric values table when none is null, shared by all of them.
    public let metricNames: [String]
    /// The event fields metric filters read, in order: their slots in the frame an event's
    /// filters run over (one more slot, always null, for anything else).
    public let eventFieldSlots: [String]
    /// Each metric's filter (same order as ``metrics``) compiled against ``eventFieldSlots``.
    public let metricFilters: [SlottedExpression]
    /// The metrics' ``CompiledMetric/stateKey``s: the states a profile keeps.
    public let metricStateKeys: Set<String>
    /// The same keys in order, as state blobs refer to them (``ProfileStateCodec``).
    public let stateKeys: StateKeys
    public let tags: [CompiledTag]
    /// Each tag (same order as ``tags``) compiled against ``slots``.
    public let tagPrograms: [SlottedExpression]
    /// Whether each tag (same order as ``tags``) is in ``modelReadingTags``.
    public let tagReadsModel: [Bool]
    /// The tags' positions in ``tags`` taken in name order, and those names: how a profile's
    /// tag table is built from the evaluation's slots without sorting.
    public let tagNameOrder: [Int]
    public let sortedTagNames: [String]
    /// Where an evaluation keeps each value tags read.
    public let slots: ProfileSlots
    /// Whether some tag's value changes with time alone (`now()`, `days_since(…)`).
    public let anyTagDependsOnTime: Bool
    /// Tags that read a model output, directly or through another tag: evaluated after the
    /// models have scored the profile (the others before, so models may read them).
    public let modelReadingTags: Set<String>
    /// Time-dependent tags are re-evaluated on this grid of event time (default 1h).
    public let timeTickMs: Int64
    /// `name: why` for every active definition left out.
    public let problems: [String]

    public static let empty = DefinitionSet(metrics: [], tags: [], validator: DefinitionValidator())

    public init(
        metrics: [Versioned<MetricDefinition>], tags: [Versioned<TagDefinition>], validator: DefinitionValidator,
        timeTickMs: Int64 = 3_600_000
    ) {
        var problems: [String] = []
        var compiledMetrics: [CompiledMetric] = []
        for entry in metrics.sorted(by: { $0.definition.name < $1.definition.name }) where entry.definition.status == .active {
            do {
                try validator.validate(entry.definition)
                compiledMetrics.append(try CompiledMetric(entry.definition, version: entry.version, eventFields: validator.eventFields))
            } catch { problems.append("metric \(entry.definition.name): \(error)") }
        }
        var metricTypes: [String: ValueType] = [:]
        for metric in compiledMetrics {
            if let definition = metrics.first(where: { $0.definition.name == metric.name })?.definition {
                metricTypes[metric.name] = validator.valueType(of: definition)
            }
        }
        let activeTags = tags.filter { $0.definition.status == .active }.sorted { $0.definition.name < $1.definition.name }
        var tagTypes: [String: ValueType] = [:]
        for entry in activeTags { tagTypes[entry.definition.name] = entry.definition.kind == .boolean ? .bool : .string }
        let schema = TagLangSchema(attributes: validator.attributes, metrics: metricTypes, tags: tagTypes, models: validator.models)
        var compiledTags: [String: CompiledTag] = [:]
        for entry in activeTags {
            let tag = entry.definition
            do {
                let expression = try CompiledExpression(tag.expression, schema: schema)
                compiledTags[tag.name] = CompiledTag(name: tag.name, version: entry.version, kind: tag.kind, expression: expression)
            } catch { problems.append("tag \(tag.name): \(error)") }
        }
        let (ordered, cyclic) = Self.dependencyOrder(compiledTags)
        for name in cyclic { problems.append("tag \(name): reads itself through other tags") }
        self.metrics = compiledMetrics
        metricStateKeys = Set(compiledMetrics.map(\.stateKey))
        stateKeys = StateKeys(metricStateKeys)
        self.tags = ordered
        var modelReading: Set<String> = []
        for tag in ordered where tag.expression.references.contains(where: {
            switch $0 {
            case .model: true
            case .tag(let dependency): modelReading.contains(dependency)
            default: false
            }
        }) { modelReading.insert(tag.name) }
        modelReadingTags = modelReading
        metricNames = compiledMetrics.map(\.name)
        let eventFields = Set(compiledMetrics.flatMap { metric in
            metric.filter.references.compactMap { reference -> String? in if case .event(let name) = reference { name } else { nil } }
        }).sorted()
        let eventFieldIndex = Dictionary(uniqueKeysWithValues: eventFields.enumerated().map { ($1, $0) })
        eventFieldSlots = eventFields
        metricFilters = compiledMetrics.map { metric in
            metric.filter.slotted { reference in
                if case .event(let name) = reference, let slot = eventFieldIndex[name] { return slot }
                return eventFields.count
            }
        }
        let slots = ProfileSlots(metrics: compiledMetrics, tags: ordered)
        self.slots = slots
        tagPrograms = ordered.map { $0.expression.slotted(slots.slot(of:)) }
        tagReadsModel = ordered.map { modelReading.contains($0.name) }
        tagNameOrder = ordered.indices.sorted { ordered[$0].name < ordered[$1].name }
        sortedTagNames = tagNameOrder.map { ordered[$0].name }
        anyTagDependsOnTime = ordered.contains { $0.expression.dependsOnTime }
        self.timeTickMs = timeTickMs
        self.problems = problems
    }

    /// Tags ordered so that each comes after the tags it reads; tags on a cycle (or reading
    /// one that was left out) are returned separately.
    static func dependencyOrder(_ tags: [String: CompiledTag]) -> ([CompiledTag], [String]) {
        enum Mark { case visiting, ordered, left }
        var ordered: [CompiledTag] = []
        var marks: [String: Mark] = [:]
        var cyclic: [String] = []
        func visit(_ name: String) -> Bool {
            switch marks[name] {
            case .ordered: return true
            case .visiting, .left: return false
            case nil: break
            }
            guard let tag = tags[name] else { return false }
            marks[name] = .visiting
            for case .tag(let dependency) in tag.expression.references.sorted(by: { $0.description < $1.description }) {
                guard visit(dependency) else { marks[name] = .left; cyclic.append(name); return false }
            }
            marks[name] = .ordered
            ordered.append(tag)
            return true
        }
        for name in tags.keys.sorted() { _ = visit(name) }
        return (ordered, cyclic)
    }
}
