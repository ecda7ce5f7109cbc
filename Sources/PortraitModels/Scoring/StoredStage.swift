import JSON
import Learning

/// A Learning ``SavedStage`` as plain JSON, so a fitted model fits in `model_versions.params`
/// (one row holds the whole version: nothing to fetch from elsewhere before scoring).
///
/// The fields mirror `stage.json`; the arrays that `StageStore` writes to `weights.bin` become
/// JSON arrays tagged by kind. Swift's JSON encoder writes the shortest text that reads back as
/// the same `Double`, and MariaDB's JSON type keeps the text as written, so weights survive
/// the round trip bit for bit. Decoding goes back through ``StageStore/decode(_:)``, so
/// Learning's own validation and format versioning apply unchanged.
struct StoredStage: Codable, Equatable, Sendable {
    var format: String
    var formatVersion: Int
    var stageType: String
    var params: [String: JSONValue]
    var metadata: [String: JSONValue]
    var arrays: [String: StoredArray]
    var children: [StoredStage]

    init(_ saved: SavedStage) {
        format = StageStore.formatName
        formatVersion = saved.formatVersion
        stageType = saved.stageType
        params = saved.params
        metadata = saved.metadata
        arrays = saved.arrays.mapValues(StoredArray.init)
        children = saved.children.map(StoredStage.init)
    }

    /// Back to Learning's in-memory save; refuses other formats and newer versions.
    func savedStage() throws(ModelLoadError) -> SavedStage {
        guard format == StageStore.formatName else { throw .corruptParams("format is '\(format)', not '\(StageStore.formatName)'") }
        guard formatVersion <= StageStore.currentFormatVersion else {
            throw .corruptParams("stage format version \(formatVersion) is newer than this build reads (\(StageStore.currentFormatVersion))")
        }
        var saved = SavedStage(stageType: stageType, formatVersion: formatVersion)
        saved.params = params
        saved.metadata = metadata
        saved.arrays = arrays.mapValues(\.weights)
        saved.children = try children.map { (child: StoredStage) throws(ModelLoadError) in try child.savedStage() }
        return saved
    }
}

/// One fitted array: `{"f64": [...]}`, `{"i32": [...]}` or `{"strings": [...]}`.
enum StoredArray: Codable, Equatable, Sendable {
    case f64([Double])
    case i32([Int32])
    case strings([String])

    init(_ array: WeightArray) {
        switch array {
        case .doubles(let values): self = .f64(values)
        case .int32s(let values): self = .i32(values)
        case .strings(let values): self = .strings(values)
        }
    }

    private enum Kind: String, CodingKey { case f64, i32, strings }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Kind.self)
        guard container.allKeys.count == 1, let kind = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "an array needs exactly one of f64, i32, strings"))
        }
        switch kind {
        case .f64: self = .f64(try container.decode([Double].self, forKey: kind))
        case .i32: self = .i32(try container.decode([Int32].self, forKey: kind))
        case .strings: self = .strings(try container.decode([String].self, forKey: kind))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Kind.self)
        switch self {
        case .f64(let values): try container.encode(values, forKey: .f64)
        case .i32(let values): try container.encode(values, forKey: .i32)
        case .strings(let values): try container.encode(values, forKey: .strings)
        }
    }

    var weights: WeightArray {
        switch self {
        case .f64(let values): .doubles(values)
        case .i32(let values): .int32s(values)
        case .strings(let values): .strings(values)
        }
    }
}
