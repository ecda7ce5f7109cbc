/// Confusion counts and the ratios derived from them at one decision threshold.
public struct ThresholdMetrics: Sendable, Equatable {
    /// The threshold: a score above it predicts 1.
    public let threshold: Double
    /// Positives predicted positive.
    public let truePositives: Int
    /// Negatives predicted positive.
    public let falsePositives: Int
    /// Negatives predicted negative.
    public let trueNegatives: Int
    /// Positives predicted negative.
    public let falseNegatives: Int

    /// Share of rows predicted correctly.
    public var accuracy: Double {
        Double(truePositives + trueNegatives) / Double(truePositives + falsePositives + trueNegatives + falseNegatives)
    }

    /// Share of predicted positives that are positive (0 when nothing is predicted positive).
    public var precision: Double {
        truePositives + falsePositives == 0 ? 0 : Double(truePositives) / Double(truePositives + falsePositives)
    }

    /// Share of positives predicted positive.
    public var recall: Double {
        truePositives + falseNegatives == 0 ? 0 : Double(truePositives) / Double(truePositives + falseNegatives)
    }
}
