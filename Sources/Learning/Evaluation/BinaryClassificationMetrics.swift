import Foundation

/// Quality of a binary classifier's scores against 0/1 labels: ROC AUC, log loss, and
/// accuracy/precision/recall at any threshold.
///
/// ```swift
/// let metrics = try BinaryClassificationMetrics(scores: probabilities, labels: labels)
/// print(metrics.areaUnderROC, metrics.logLoss, metrics.at(threshold: 0.5).precision)
/// ```
public struct BinaryClassificationMetrics: Sendable {
    /// The scores (probabilities of class 1 for ``logLoss``).
    public let scores: [Double]
    /// The labels, 0 or 1.
    public let labels: [Double]
    /// Area under the ROC curve, exact: the Mann–Whitney statistic with tied scores given
    /// their average rank (so a tie between a positive and a negative counts one half).
    public let areaUnderROC: Double

    /// Checks the inputs and computes the AUC; throws for unequal lengths, empty input,
    /// non-finite scores, labels other than 0/1, or a single class (AUC is undefined).
    public init(scores: [Double], labels: [Double]) throws(LearningError) {
        guard scores.count == labels.count else {
            throw .columnLengthMismatch(column: "labels", expected: scores.count, found: labels.count)
        }
        guard !scores.isEmpty else { throw .emptyTable(operation: "BinaryClassificationMetrics") }
        var positives = 0
        for row in 0 ..< labels.count {
            guard scores[row].isFinite else { throw .nonFiniteValue(column: "scores", row: row) }
            if labels[row] == 1 {
                positives += 1
            } else if labels[row] != 0 {
                throw .invalidLabel(row: row, value: labels[row])
            }
        }
        guard positives > 0, positives < labels.count else { throw .singleClass(label: positives > 0 ? 1 : 0) }
        self.scores = scores
        self.labels = labels
        areaUnderROC = Self.auc(scores: scores, labels: labels, positives: positives)
    }

    private static func auc(scores: [Double], labels: [Double], positives: Int) -> Double {
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var positiveRankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, scores[order[end + 1]] == scores[order[start]] { end += 1 }
            // Ranks start..end (1-based: start+1 ... end+1) share their mean.
            let averageRank = Double(start + end + 2) / 2
            for position in start ... end where labels[order[position]] == 1 { positiveRankSum += averageRank }
            start = end + 1
        }
        let p = Double(positives), n = Double(scores.count - positives)
        return (positiveRankSum - p * (p + 1) / 2) / (p * n)
    }

    /// Mean negative log-likelihood, with probabilities clipped to [1e-15, 1 − 1e-15] as
    /// scikit-learn does, so a confident mistake costs a large but finite amount.
    public var logLoss: Double {
        var total = 0.0
        for (score, label) in zip(scores, labels) {
            let p = min(max(score, 1e-15), 1 - 1e-15)
            total -= label == 1 ? log(p) : log(1 - p)
        }
        return total / Double(scores.count)
    }

    /// Confusion counts when a score above `threshold` predicts 1.
    public func at(threshold: Double) -> ThresholdMetrics {
        var tp = 0, fp = 0, tn = 0, fn = 0
        for (score, label) in zip(scores, labels) {
            switch (score > threshold, label == 1) {
            case (true, true): tp += 1
            case (true, false): fp += 1
            case (false, false): tn += 1
            case (false, true): fn += 1
            }
        }
        return ThresholdMetrics(threshold: threshold, truePositives: tp, falsePositives: fp, trueNegatives: tn, falseNegatives: fn)
    }
}
