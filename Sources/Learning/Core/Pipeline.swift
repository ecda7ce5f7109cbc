/// A chain of stages that is itself an ``Estimator``: fitting runs the stages in order,
/// fitting each estimator on the output of the stages before it, and returns a
/// ``PipelineModel`` of the fitted transformers.
///
/// ```swift
/// let pipeline = try Pipeline([
///     OneHotEncoder().with(OneHotEncoder.inputColumns, ["country"]).with(OneHotEncoder.outputColumn, "countryVec"),
///     VectorAssembler().with(VectorAssembler.inputColumns, ["dense", "countryVec"]),
///     LogisticRegression(),
/// ])
/// let model = try pipeline.fit(train)
/// ```
public struct Pipeline: Estimator {
    public static let stageType = "Pipeline"
    public static let declaredParams: [AnyParam] = []
    public var params = ParamMap()
    /// The stages, each an ``Estimator`` or a ``Transformer``.
    public private(set) var stages: [any PipelineStage]

    /// A pipeline of `stages`; throws when one is neither an estimator nor a transformer.
    public init(_ stages: [any PipelineStage]) throws(LearningError) {
        for (index, stage) in stages.enumerated() where !(stage is any Estimator) && !(stage is any Transformer) {
            throw .invalidParameter(name: "stages", value: "[\(index)] \(type(of: stage).stageType)",
                                    reason: "each stage must be an Estimator or a Transformer")
        }
        self.stages = stages
    }

    public func fit(_ table: Table) throws(LearningError) -> PipelineModel {
        var current = table
        var fitted: [any Transformer] = []
        for (index, stage) in stages.enumerated() {
            let transformer: any Transformer
            if let estimator = stage as? any Estimator {
                transformer = try estimator.fit(current)
            } else if let plain = stage as? any Transformer {
                transformer = plain
            } else {
                throw .invalidParameter(name: "stages", value: "[\(index)]", reason: "not an Estimator or a Transformer")
            }
            fitted.append(transformer)
            // The last stage's output is not needed to fit anything, so skip computing it.
            if index < stages.count - 1 { current = try transformer.transform(current) }
        }
        return PipelineModel(fitted)
    }

    public func encodeState(into saved: inout SavedStage) throws(LearningError) {
        saved.children = try stages.map { stage throws(LearningError) in try StageStore.encode(stage) }
    }

    public init(decoding saved: SavedStage) throws(LearningError) {
        try self.init(saved.children.map { child throws(LearningError) in try StageStore.decode(child) })
    }
}
