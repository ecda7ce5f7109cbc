import Foundation
import JSON

/// Saves stages to directories and loads them back.
///
/// A save directory holds `stage.json` (format name and version, stage type, parameters,
/// small fitted facts), `weights.bin` when the stage has fitted arrays (see the layout in
/// docs/LEARNING.md), and `stages/0`, `stages/1`, … for the stages of a pipeline. The
/// format version lets later builds keep reading older saves: a loader sees the version it
/// is reading and parameters added later take their defaults.
public enum StageStore {
    /// The format version this build writes. Saves with a higher version are rejected.
    public static let currentFormatVersion = 1
    /// The `format` field of `stage.json`.
    public static let formatName = "portrait-learning-stage"

    /// Every stage type this build can load.
    public static let stageTypes: [any PipelineStage.Type] = [
        StandardScaler.self, StandardScalerModel.self,
        MinMaxScaler.self, MinMaxScalerModel.self,
        OneHotEncoder.self, OneHotEncoderModel.self,
        FeatureHasher.self, VectorAssembler.self,
        KMeans.self, KMeansModel.self, StreamingKMeans.self,
        LogisticRegression.self, LogisticRegressionModel.self, FTRL.self,
        Pipeline.self, PipelineModel.self,
    ]

    /// The in-memory save of `stage`.
    public static func encode(_ stage: some PipelineStage) throws(LearningError) -> SavedStage {
        var saved = SavedStage(stageType: type(of: stage).stageType)
        saved.params = stage.paramsJSON
        try stage.encodeState(into: &saved)
        return saved
    }

    /// Rebuilds a stage of any known type from its in-memory save.
    public static func decode(_ saved: SavedStage) throws(LearningError) -> any PipelineStage {
        guard let type = stageTypes.first(where: { $0.stageType == saved.stageType }) else {
            throw .unknownStageType(name: saved.stageType)
        }
        return try type.init(decoding: saved)
    }

    /// Writes `stage` to `directory`, creating it; existing files of a save are replaced.
    public static func save(_ stage: some PipelineStage, to directory: URL) throws(LearningError) {
        try write(try encode(stage), to: directory)
    }

    /// Loads the stage saved in `directory`, whatever its type.
    public static func load(from directory: URL) throws(LearningError) -> any PipelineStage {
        try decode(try read(from: directory))
    }

    /// Loads the stage saved in `directory` as `type`; throws if the save holds another type.
    public static func load<Stage: PipelineStage>(_ type: Stage.Type, from directory: URL) throws(LearningError) -> Stage {
        let saved = try read(from: directory)
        guard saved.stageType == Stage.stageType else {
            throw .corruptSave(path: directory.path, reason: "it holds a \(saved.stageType), not a \(Stage.stageType)")
        }
        return try Stage(decoding: saved)
    }

    static func write(_ saved: SavedStage, to directory: URL) throws(LearningError) {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            let header = StageHeader(format: formatName, formatVersion: saved.formatVersion, stageType: saved.stageType,
                                     params: saved.params, metadata: saved.metadata, childCount: saved.children.count,
                                     hasWeights: !saved.arrays.isEmpty)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(header).write(to: directory.appendingPathComponent("stage.json"), options: .atomic)
            let weightsURL = directory.appendingPathComponent("weights.bin")
            if saved.arrays.isEmpty {
                if manager.fileExists(atPath: weightsURL.path) { try manager.removeItem(at: weightsURL) }
            } else {
                try Data(WeightFile.encode(saved.arrays)).write(to: weightsURL, options: .atomic)
            }
            let stagesURL = directory.appendingPathComponent("stages")
            if manager.fileExists(atPath: stagesURL.path) { try manager.removeItem(at: stagesURL) }
        } catch {
            throw .io(path: directory.path, reason: String(describing: error))
        }
        for (index, child) in saved.children.enumerated() {
            try write(child, to: directory.appendingPathComponent("stages").appendingPathComponent(String(index)))
        }
    }

    static func read(from directory: URL) throws(LearningError) -> SavedStage {
        let headerURL = directory.appendingPathComponent("stage.json")
        let header: StageHeader
        do {
            let data = try Data(contentsOf: headerURL)
            header = try JSONDecoder().decode(StageHeader.self, from: data)
        } catch let error as DecodingError {
            throw .corruptSave(path: headerURL.path, reason: "stage.json is not valid: \(error)")
        } catch {
            throw .io(path: headerURL.path, reason: String(describing: error))
        }
        guard header.format == formatName else {
            throw .corruptSave(path: directory.path, reason: "stage.json format is '\(header.format)', not '\(formatName)'")
        }
        guard header.formatVersion <= currentFormatVersion else {
            throw .unsupportedFormatVersion(path: directory.path, found: header.formatVersion, supported: currentFormatVersion)
        }
        var saved = SavedStage(stageType: header.stageType, formatVersion: header.formatVersion)
        saved.params = header.params
        saved.metadata = header.metadata ?? [:]
        if header.hasWeights ?? false {
            let weightsURL = directory.appendingPathComponent("weights.bin")
            let bytes: [UInt8]
            do {
                bytes = [UInt8](try Data(contentsOf: weightsURL))
            } catch {
                throw .io(path: weightsURL.path, reason: String(describing: error))
            }
            saved.arrays = try WeightFile.decode(bytes, path: weightsURL.path)
        }
        for index in 0 ..< (header.childCount ?? 0) {
            saved.children.append(try read(from: directory.appendingPathComponent("stages").appendingPathComponent(String(index))))
        }
        return saved
    }
}

/// The JSON header of a save. Optional fields are ones a format-1 reader can do without,
/// so hand-written or older files still load.
private struct StageHeader: Codable {
    var format: String
    var formatVersion: Int
    var stageType: String
    var params: [String: JSONValue]
    var metadata: [String: JSONValue]?
    var childCount: Int?
    var hasWeights: Bool?
}

extension PipelineStage {
    /// Loads a stage of this type from `directory`.
    public static func load(from directory: URL) throws(LearningError) -> Self {
        try StageStore.load(Self.self, from: directory)
    }
}
