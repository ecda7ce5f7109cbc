/// The fitted form of a ``Pipeline``: its transformers applied in order, to tables or to
/// single rows.
public struct PipelineModel: Model {
    public static let stageType = "PipelineModel"
    public static let declaredParams: [AnyParam] = []
    public var params = ParamMap()
    /// The fitted stages, in order.
    public private(set) var stages: [any Transformer]

    /// A model applying `stages` in order.
    public init(_ stages: [any Transformer]) {
        self.stages = stages
    }

    public func transform(_ table: Table) throws(LearningError) -> Table {
        var current = table
        for stage in stages { current = try stage.transform(current) }
        return current
    }

    public func transform(_ row: Row) throws(LearningError) -> Row {
        var current = row
        for stage in stages { current = try stage.transform(current) }
        return current
    }

    public func encodeState(into saved: inout SavedStage) throws(LearningError) {
        saved.children = try stages.map { stage throws(LearningError) in try StageStore.encode(stage) }
    }

    public init(decoding saved: SavedStage) throws(LearningError) {
        var stages: [any Transformer] = []
        for child in saved.children {
            guard let transformer = try StageStore.decode(child) as? any Transformer else {
                throw .corruptSave(path: saved.stageType, reason: "stage \(child.stageType) is not a transformer")
            }
            stages.append(transformer)
        }
        self.init(stages)
    }
}
