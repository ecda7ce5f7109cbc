import Foundation
import Learning

/// What `model_versions.params` holds: the fitted Learning stage and, for classifiers, the
/// label it was trained to predict (two versions with different labels are not comparable).
struct ModelParams: Codable, Equatable, Sendable {
    var stage: StoredStage
    /// ``FeatureLabel/spec`` of the training label; `nil` for clustering.
    var label: String?
    /// An online model's learner state, so a restarted processor continues learning from it.
    var online: FTRLCheckpoint?

    init(model: some PipelineStage, label: FeatureLabel?) throws(LearningError) {
        try self.init(model: model, labelSpec: label?.spec)
    }

    /// With the label's text as is (an online model's ``OnlineLabel/spec``).
    init(model: some PipelineStage, labelSpec: String?, online: FTRLCheckpoint? = nil) throws(LearningError) {
        stage = StoredStage(try StageStore.encode(model))
        label = labelSpec
        self.online = online
    }

    /// Parses the column's text; any JSON problem is `corruptParams`.
    init(json: String) throws(ModelLoadError) {
        do {
            self = try JSONDecoder().decode(ModelParams.self, from: Data(json.utf8))
        } catch {
            throw .corruptParams("params are not a stored model: \(error)")
        }
    }

    /// Compact JSON with sorted keys (equal models give equal text).
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
