/// When a candidate may replace the active version — the one place the comparison lives.
///
/// - The two must be comparable: same features in the same order; for logistic regression the
///   same label, for k-means the same k (SSE always falls as k grows). Otherwise only
///   `promote --force` can switch.
/// - **logistic_regression**: held-out AUC at least `margin` higher (absolute: 0.01 = one
///   point of AUC), and held-out log loss no higher than the active version's.
/// - **kmeans**: held-out SSE per row at least `margin` lower, relative to the active
///   version's (0.01 = 1 % lower), since SSE's scale depends on the features.
///
/// Both sides' metrics come from their own training runs' held-out profiles, so they compare
/// the models on the data of their day; a margin above zero keeps noise from flapping versions.
public enum PromotionRule {
    /// Margin used when a model is first registered without one.
    public static let defaultMargin = 0.01

    /// Metric names in `model_versions.metrics`.
    public enum Metric {
        public static let auc = "auc"
        public static let logLoss = "log_loss"
        public static let ssePerRow = "sse_per_row"
        public static let k = "k"
    }

    /// The outcome and a sentence saying why, kept in `model_promotions.reason`.
    public struct Verdict: Sendable, Equatable {
        public var promote: Bool
        public var reason: String
    }

    public static func judge(candidate: ModelVersion, active: ModelVersion?, margin: Double) -> Verdict {
        guard let active else { return Verdict(promote: true, reason: "no active version") }
        let against = "active v\(active.version)"
        guard candidate.algorithm == active.algorithm else {
            return Verdict(promote: false, reason: "not comparable with \(against): algorithm differs")
        }
        guard candidate.features == active.features else {
            return Verdict(promote: false, reason: "not comparable with \(against): features differ (\(candidate.features.joined(separator: ",")) vs \(active.features.joined(separator: ",")))")
        }
        switch candidate.algorithm {
        case .logisticRegression:
            let labels = (label(of: candidate), label(of: active))
            guard labels.0 == labels.1 else {
                return Verdict(promote: false, reason: "not comparable with \(against): label differs (\(labels.0 ?? "none") vs \(labels.1 ?? "none"))")
            }
            guard let auc = candidate.metrics[Metric.auc], let activeAUC = active.metrics[Metric.auc],
                  let loss = candidate.metrics[Metric.logLoss], let activeLoss = active.metrics[Metric.logLoss] else {
                return Verdict(promote: false, reason: "not comparable with \(against): auc or log_loss missing")
            }
            let detail = "AUC \(rounded(auc)) vs \(rounded(activeAUC)) of \(against) (margin \(margin)), log loss \(rounded(loss)) vs \(rounded(activeLoss))"
            if auc < activeAUC + margin { return Verdict(promote: false, reason: "AUC not at least the margin higher: \(detail)") }
            if loss > activeLoss { return Verdict(promote: false, reason: "log loss higher: \(detail)") }
            return Verdict(promote: true, reason: "better: \(detail)")
        case .kmeans:
            guard candidate.metrics[Metric.k] == active.metrics[Metric.k] else {
                return Verdict(promote: false, reason: "not comparable with \(against): k differs")
            }
            guard let sse = candidate.metrics[Metric.ssePerRow], let activeSSE = active.metrics[Metric.ssePerRow] else {
                return Verdict(promote: false, reason: "not comparable with \(against): sse_per_row missing")
            }
            let detail = "SSE per row \(rounded(sse)) vs \(rounded(activeSSE)) of \(against) (margin \(margin) relative)"
            if sse > activeSSE * (1 - margin) { return Verdict(promote: false, reason: "SSE per row not at least the margin lower: \(detail)") }
            return Verdict(promote: true, reason: "better: \(detail)")
        }
    }

    /// The label spec stored in a version's params, `nil` when absent or unreadable.
    private static func label(of version: ModelVersion) -> String? {
        (try? ModelParams(json: version.params))?.label
    }

    private static func rounded(_ value: Double) -> String {
        String((value * 1e6).rounded() / 1e6)
    }
}
