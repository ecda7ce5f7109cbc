import Learning
import PortraitCore
import PortraitProcessor
import Synchronization

/// FTRL learning online from the profiles a processor writes, and publishing its weights to
/// the registry as versions (``OnlineLearningConfiguration`` defines the examples).
///
/// ``observe(_:)`` runs on the processor's thread after each batch; ``publish(to:actor:)`` on
/// a timer's. Both take one lock for in-memory work only (the registry write happens after the
/// snapshot is taken). Each version carries the learner's `z`/`n` state, so a restarted
/// processor resumes from its last snapshot (``resume(from:)``); open examples live in memory,
/// and those still waiting for their label at a restart are dropped.
public final class OnlineLearner: Sendable {
    public let configuration: OnlineLearningConfiguration

    private struct OpenExample {
        var features: SparseVector
        var dueMs: Int64
        var partition: Int32
        /// The label field when the example opened, and in the last profile written by the due time.
        var openedText: String?
        var dueText: String?
    }

    private struct State {
        var learner: FTRLLearner
        var open: [String: OpenExample] = [:]
        /// Each partition's watermark as last reported.
        var watermarks: [Int32: Int64] = [:]
        /// Progressive validation since the last snapshot: each example is scored before it is
        /// trained on, so these are held-out predictions (McMahan et al. 2013, §5.1).
        var scores: [Double] = []
        var labels: [Double] = []
        var firstDueMs: Int64?
        var lastDueMs: Int64?
    }

    private let state: Mutex<State>

    public init(configuration: OnlineLearningConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        let ftrl = try FTRL().with(FTRL.alpha, configuration.alpha).with(FTRL.beta, configuration.beta)
            .with(FTRL.l1, configuration.l1).with(FTRL.l2, configuration.l2)
        state = Mutex(State(learner: try ftrl.makeLearner(dimension: configuration.features.count)))
    }

    /// Examples trained on so far.
    public var examplesSeen: Int { state.withLock { $0.learner.examplesSeen } }

    /// The learner's state now (what the next snapshot will carry).
    public var checkpoint: FTRLCheckpoint { state.withLock { $0.learner.checkpoint } }

    /// Continues from the newest version whose params carry this learner's state for the same
    /// features and label; its number, or `nil` when there is none (learning starts afresh).
    @discardableResult
    public func resume(from registry: ModelRegistry) throws -> Int? {
        guard try registry.names().contains(configuration.name) else { return nil }
        for version in try registry.versions(of: configuration.name).sorted(by: { $0.version > $1.version }) {
            guard version.features == configuration.features, let params = try? ModelParams(json: version.params),
                  params.label == configuration.label.spec, let checkpoint = params.online else { continue }
            try state.withLock { state throws(LearningError) in try state.learner.resume(from: checkpoint) }
            return version.version
        }
        return nil
    }

    /// Examples waiting for their due time.
    public var openExamples: Int { state.withLock { $0.open.count } }

    /// Follows the label of open examples, trains on those whose user's clock passed the due
    /// time, and opens new ones (called by the processor after each write).
    public func observe(_ written: WrittenProfiles) {
        let labelField = configuration.label.field
        state.withLock { state in
            state.watermarks.merge(written.watermarks) { max($0, $1) }
            for (profile, partition) in written.profiles where profile.clockMs != .min {
                if var example = state.open[profile.userId] {
                    if profile.clockMs <= example.dueMs {
                        example.dueText = profile.field(labelField)
                        state.open[profile.userId] = example
                    } else {
                        train(example, in: &state)
                        state.open.removeValue(forKey: profile.userId)
                    }
                }
                guard state.open[profile.userId] == nil, anchorHolds(profile), let features = vector(profile) else { continue }
                let text = profile.field(labelField)
                state.open[profile.userId] = OpenExample(
                    features: features, dueMs: profile.clockMs + configuration.delayMs, partition: partition, openedText: text, dueText: text)
            }
        }
    }

    /// Registers the current weights as the model's next version (promoted at once with
    /// ``OnlineLearningConfiguration/Publication/active``), after closing the examples of quiet
    /// users whose partition's watermark has passed their due time. Returns `nil` when no
    /// example was trained on since the last snapshot: nothing new to publish.
    @discardableResult
    public func publish(to registry: ModelRegistry, actor: String) throws -> ModelVersion? {
        typealias Taken = (model: LogisticRegressionModel, checkpoint: FTRLCheckpoint, scores: [Double], labels: [Double], from: Int64?, to: Int64?)
        let taken: Taken? = state.withLock { state in
            closeOverdue(&state)
            guard !state.scores.isEmpty else { return nil }
            defer { state.scores = []; state.labels = []; state.firstDueMs = nil; state.lastDueMs = nil }
            return (state.learner.snapshot(), state.learner.checkpoint, state.scores, state.labels, state.firstDueMs, state.lastDueMs)
        }
        guard let taken else { return nil }
        var metrics = ["examples": Double(taken.scores.count), "examples_total": Double(taken.checkpoint.examplesSeen),
                       "positive_rate": taken.labels.reduce(0, +) / Double(taken.labels.count)]
        if let evaluation = try? BinaryClassificationMetrics(scores: taken.scores, labels: taken.labels) {  // needs both classes
            metrics[PromotionRule.Metric.auc] = evaluation.areaUnderROC
            metrics[PromotionRule.Metric.logLoss] = evaluation.logLoss
        }
        try registry.ensure(name: configuration.name, algorithm: .logisticRegression, promotionMargin: nil)
        var draft = try ModelVersionDraft(params: ModelParams(model: taken.model, labelSpec: configuration.label.spec, online: taken.checkpoint).json(),
                                          metrics: metrics, features: configuration.features)
        draft.trainingFromMs = taken.from
        draft.trainingToMs = taken.to
        draft.trainingRows = taken.scores.count
        let version = try registry.addVersion(draft, to: configuration.name, createdBy: actor)
        guard configuration.publication == .active else { return version }
        try registry.promote(configuration.name, version: version.version, actor: actor, force: true)
        return try registry.version(configuration.name, version.version)
    }

    /// Scores the example (progressive validation), then trains on it.
    private func train(_ example: OpenExample, in state: inout State) {
        let label = configuration.label.label(opened: example.openedText, due: example.dueText)
        guard let score = try? state.learner.probability(example.features), (try? state.learner.train(example.features, label: label)) != nil else { return }
        state.scores.append(score)
        state.labels.append(label)
        state.firstDueMs = min(state.firstDueMs ?? example.dueMs, example.dueMs)
        state.lastDueMs = max(state.lastDueMs ?? example.dueMs, example.dueMs)
    }

    /// Closes, in due order, the examples whose partition's watermark passed their due time
    /// (one pass over the open examples per snapshot, not per batch).
    private func closeOverdue(_ state: inout State) {
        let watermarks = state.watermarks
        let overdue = state.open.filter { $0.value.dueMs < watermarks[$0.value.partition] ?? .min }
            .sorted { ($0.value.dueMs, $0.key) < ($1.value.dueMs, $1.key) }
        for (userId, example) in overdue {
            train(example, in: &state)
            state.open.removeValue(forKey: userId)
        }
    }

    private func anchorHolds(_ profile: ProfileState) -> Bool {
        guard let anchor = configuration.anchor else { return true }
        return FeatureValue.number(profile.field(anchor)) > 0
    }

    /// The features as training and scoring read them (``FeatureValue``: missing → 0).
    private func vector(_ profile: ProfileState) -> SparseVector? {
        let values = configuration.features.map { FeatureValue.number(profile.field($0)) }
        return try? SparseVector(dimension: values.count, indices: (0..<Int32(values.count)).map { $0 }, values: values)
    }
}
