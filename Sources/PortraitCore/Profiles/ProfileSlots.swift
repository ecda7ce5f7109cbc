import TagLang

/// Where each value a profile's tags read sits in the evaluation's ``SlotFrame``, fixed when
/// the definition set is built: the metrics (definition order), then the tags (evaluation
/// order), then the attributes and model outputs some tag reads, then one slot that is always
/// null (for a reference nothing provides). Tags compiled against it read positions, so
/// evaluating a profile hashes no names.
public struct ProfileSlots: Sendable {
    public let metricCount: Int
    /// The attributes tags read, with their slots (filled from the profile per evaluation).
    public let attributes: [(name: String, slot: Int)]
    /// The model output fields (`model.<name>.<output>`) tags read, with their slots.
    public let modelOutputs: [(field: String, slot: Int)]
    public let count: Int
    private let metricIndex: [String: Int]
    private let tagIndex: [String: Int]
    private let attributeIndex: [String: Int]
    private let modelIndex: [String: Int]

    init(metrics: [CompiledMetric], tags: [CompiledTag]) {
        metricCount = metrics.count
        metricIndex = Dictionary(metrics.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        tagIndex = Dictionary(tags.enumerated().map { ($1.name, metrics.count + $0) }, uniquingKeysWith: { first, _ in first })
        var next = metrics.count + tags.count
        var attributes: [(String, Int)] = []
        var modelOutputs: [(String, Int)] = []
        let references = Set(tags.flatMap(\.expression.references)).sorted { $0.description < $1.description }
        for reference in references {
            switch reference {
            case .attribute(let name): attributes.append((name, next)); next += 1
            case .model(let name, let output): modelOutputs.append(("model.\(name).\(output)", next)); next += 1
            case .metric, .tag, .event: continue
            }
        }
        self.attributes = attributes
        self.modelOutputs = modelOutputs
        attributeIndex = Dictionary(attributes.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
        modelIndex = Dictionary(modelOutputs.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first })
        count = next + 1
    }

    /// The slot of `metric`'s value.
    public func slot(ofMetric index: Int) -> Int { index }
    /// The slot of the tag at `index` in evaluation order.
    public func slot(ofTag index: Int) -> Int { metricCount + index }

    /// Where `reference` is read from.
    func slot(of reference: Reference) -> Int {
        let nullSlot = count - 1
        switch reference {
        case .metric(let name): return metricIndex[name] ?? nullSlot
        case .tag(let name): return tagIndex[name] ?? nullSlot
        case .attribute(let name): return attributeIndex[name] ?? nullSlot
        case .model(let name, let output): return modelIndex["model.\(name).\(output)"] ?? nullSlot
        case .event: return nullSlot
        }
    }
}
