import JSON
/// The in-memory form of a saved stage: what ``StageStore`` writes to and reads from a
/// directory.
///
/// `params` and `metadata` go to `stage.json`; `arrays` go to `weights.bin`; `children`
/// (the stages of a pipeline) go to numbered subdirectories.
public struct SavedStage: Sendable, Equatable {
    /// The stage's ``PipelineStage/stageType``.
    public var stageType: String
    /// The format version the save was written with; loaders use it to read older layouts.
    public var formatVersion: Int
    /// Every declared parameter with its value.
    public var params: [String: JSONValue]
    /// Small fitted facts (dimension, iterations, column names) kept readable in JSON.
    public var metadata: [String: JSONValue]
    /// Large fitted state.
    public var arrays: [String: WeightArray]
    /// Nested stages, in order.
    public var children: [SavedStage]

    /// An empty save of `stageType` at the current format version.
    public init(stageType: String, formatVersion: Int = StageStore.currentFormatVersion) {
        self.stageType = stageType
        self.formatVersion = formatVersion
        self.params = [:]
        self.metadata = [:]
        self.arrays = [:]
        self.children = []
    }

    /// The double array `name`, or ``LearningError/corruptSave(path:reason:)``.
    public func doubles(_ name: String) throws(LearningError) -> [Double] {
        guard case let .doubles(values)? = arrays[name] else {
            throw .corruptSave(path: stageType, reason: "weights.bin lacks the float array '\(name)'")
        }
        return values
    }

    /// The Int32 array `name`, or ``LearningError/corruptSave(path:reason:)``.
    public func int32s(_ name: String) throws(LearningError) -> [Int32] {
        guard case let .int32s(values)? = arrays[name] else {
            throw .corruptSave(path: stageType, reason: "weights.bin lacks the integer array '\(name)'")
        }
        return values
    }

    /// The string array `name`, or ``LearningError/corruptSave(path:reason:)``.
    public func strings(_ name: String) throws(LearningError) -> [String] {
        guard case let .strings(values)? = arrays[name] else {
            throw .corruptSave(path: stageType, reason: "weights.bin lacks the string array '\(name)'")
        }
        return values
    }

    /// The integer metadata field `name`, or ``LearningError/corruptSave(path:reason:)``.
    public func metadataInt(_ name: String) throws(LearningError) -> Int {
        guard let json = metadata[name], let value = Int(jsonValue: json) else {
            throw .corruptSave(path: stageType, reason: "stage.json lacks the integer '\(name)'")
        }
        return value
    }

    /// The number metadata field `name`, or ``LearningError/corruptSave(path:reason:)``.
    public func metadataDouble(_ name: String) throws(LearningError) -> Double {
        guard let json = metadata[name], let value = Double(jsonValue: json) else {
            throw .corruptSave(path: stageType, reason: "stage.json lacks the number '\(name)'")
        }
        return value
    }
}
