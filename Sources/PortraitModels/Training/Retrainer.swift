import Learning
import Redis

/// Fits a model on the stored profiles, registers it as a candidate with its held-out
/// metrics, and promotes it when it beats the active version by the margin (or when none is
/// active) — the registry's ``ModelRegistry/promote(_:version:actor:force:)`` decides, so
/// automatic and manual promotion follow the same rule.
public struct Retrainer: Sendable {
    private let registry: ModelRegistry
    private let redis: RedisConnection

    public init(registry: ModelRegistry, redis: RedisConnection) {
        self.registry = registry
        self.redis = redis
    }

    public func run(_ request: RetrainingRequest) throws -> RetrainingOutcome {
        try validate(request)
        try registry.ensure(name: request.name, algorithm: request.algorithm, promotionMargin: request.promotionMargin)
        let table = try ProfileFeatureTable.read(from: redis, features: request.features,
                                                 label: request.algorithm == .logisticRegression ? request.label : nil)
        return try run(request, on: table)
    }

    /// The part after reading: split, fit, measure, register, maybe promote.
    func run(_ request: RetrainingRequest, on table: ProfileFeatureTable) throws -> RetrainingOutcome {
        let split = TrainTestSplit(userIds: table.userIds, testPercent: request.testPercent)
        guard !split.test.isEmpty, !split.train.isEmpty else {
            throw RetrainingError.notEnoughData("\(table.rowCount) profile(s) give \(split.train.count) to train on and \(split.test.count) to test")
        }
        let fitted = try fit(request, table: table, split: split)
        let draft = ModelVersionDraft(
            params: try fitted.params.json(), metrics: fitted.metrics, features: request.features,
            trainingFromMs: table.updatedFromMs, trainingToMs: table.updatedToMs, trainingRows: split.train.count,
            jobRunId: request.jobRunId)
        let version = try registry.addVersion(draft, to: request.name, createdBy: request.actor).version
        var outcome = RetrainingOutcome(
            name: request.name, version: version, rows: table.rowCount, trainRows: split.train.count, testRows: split.test.count,
            metrics: fitted.metrics, promoted: true, previousActiveVersion: nil, activeVersion: version, reason: "")
        // The versions come from the registry's answer, not from before training: someone may
        // have promoted or rolled back meanwhile.
        do {
            let promotion = try registry.promote(request.name, version: version, actor: request.actor)
            outcome.previousActiveVersion = promotion.fromVersion
            outcome.reason = promotion.reason ?? ""
        } catch ModelRegistryError.notBetter(_, _, let why) {
            let active = try registry.head(request.name).activeVersion
            outcome.promoted = false
            outcome.previousActiveVersion = active
            outcome.activeVersion = active
            outcome.reason = why
        }
        return outcome
    }

    private func fit(_ request: RetrainingRequest, table: ProfileFeatureTable, split: TrainTestSplit) throws -> (params: ModelParams, metrics: [String: Double]) {
        let train = try learningTable(table, rows: split.train), test = try learningTable(table, rows: split.test)
        switch request.algorithm {
        case .kmeans:
            guard split.train.count >= request.k else {
                throw RetrainingError.notEnoughData("k = \(request.k) needs at least \(request.k) training profiles, found \(split.train.count)")
            }
            let model = try KMeans().with(KMeans.k, request.k).with(KMeans.seed, request.seed).fit(train)
            let sse = try ClusteringMetrics.sse(of: model, on: test)
            let metrics = [
                PromotionRule.Metric.ssePerRow: sse / Double(split.test.count), "sse": sse, PromotionRule.Metric.k: Double(request.k),
                "train_sse_per_row": model.trainingCost / Double(split.train.count), "test_rows": Double(split.test.count),
            ]
            return (try ModelParams(model: model, label: nil), metrics)
        case .logisticRegression:
            let model = try LogisticRegression().with(LogisticRegression.regParam, request.regParam).fit(train)
            let labels = split.test.map { table.labels[$0] }
            let evaluation = try BinaryClassificationMetrics(scores: try model.probabilities(test), labels: labels)
            let metrics = [
                PromotionRule.Metric.auc: evaluation.areaUnderROC, PromotionRule.Metric.logLoss: evaluation.logLoss,
                "test_rows": Double(split.test.count), "test_positive_rate": labels.reduce(0, +) / Double(labels.count),
            ]
            return (try ModelParams(model: model, label: request.label), metrics)
        }
    }

    /// The chosen rows as a Learning table: `features` (dense) and, with a label, `label`.
    private func learningTable(_ table: ProfileFeatureTable, rows: [Int]) throws(LearningError) -> Table {
        var values: [Double] = []
        values.reserveCapacity(rows.count * table.features.count)
        for row in rows { values += table.row(row) }
        var columns: [(String, Column)] = [("features", .vector(try DenseVectorColumn(dimension: table.features.count, values: values)))]
        if !table.labels.isEmpty { columns.append(("label", .numeric(rows.map { table.labels[$0] }))) }
        return try Table(columns)
    }

    private func validate(_ request: RetrainingRequest) throws(RetrainingError) {
        guard !request.features.isEmpty else { throw .invalidRequest("name at least one feature") }
        if let bad = request.features.first(where: { !FeatureValue.isFeatureField($0) }) {
            throw .invalidRequest("feature '\(bad)' is not a profile field: write m.<metric>, a.<attribute> or t.<tag>")
        }
        guard Set(request.features).count == request.features.count else { throw .invalidRequest("a feature is listed twice") }
        guard (1 ... 99).contains(request.testPercent) else { throw .invalidRequest("test percent must be 1–99") }
        switch request.algorithm {
        case .kmeans: guard request.k >= 1 else { throw .invalidRequest("k must be at least 1") }
        case .logisticRegression:
            guard let label = request.label else { throw .invalidRequest("logistic regression needs a label (e.g. t.buyer)") }
            guard !request.features.contains(label.field) else { throw .invalidRequest("the label field \(label.field) is also a feature") }
            guard request.regParam.isFinite, request.regParam >= 0 else { throw .invalidRequest("reg param must be ≥ 0") }
        }
    }
}
