import Foundation
import Learning
import Testing

@Suite struct EvaluationTests {
    /// AUC by brute force over all positive/negative pairs, ties counting one half.
    func pairwiseAUC(_ scores: [Double], _ labels: [Double]) -> Double {
        var wins = 0.0, pairs = 0.0
        for i in scores.indices where labels[i] == 1 {
            for j in scores.indices where labels[j] == 0 {
                pairs += 1
                wins += scores[i] > scores[j] ? 1 : (scores[i] == scores[j] ? 0.5 : 0)
            }
        }
        return wins / pairs
    }

    @Test func aucIsExactWithTies() throws {
        let scores: [Double] = [0.1, 0.4, 0.4, 0.4, 0.8, 0.8, 0.2, 0.9, 0.1, 0.5]
        let labels: [Double] = [0, 1, 0, 1, 1, 0, 0, 1, 1, 0]
        let metrics = try BinaryClassificationMetrics(scores: scores, labels: labels)
        #expect(abs(metrics.areaUnderROC - pairwiseAUC(scores, labels)) < 1e-12)
        let allTied = try BinaryClassificationMetrics(scores: [0.3, 0.3, 0.3, 0.3], labels: [0, 1, 0, 1])
        #expect(allTied.areaUnderROC == 0.5)
        let perfect = try BinaryClassificationMetrics(scores: [0.1, 0.2, 0.8, 0.9], labels: [0, 0, 1, 1])
        #expect(perfect.areaUnderROC == 1)
    }

    @Test func logLossAndThresholdMetrics() throws {
        let metrics = try BinaryClassificationMetrics(scores: [0.9, 0.2, 0.6, 0.4], labels: [1, 0, 0, 1])
        let expected = -(log(0.9) + log(0.8) + log(0.4) + log(0.4)) / 4
        #expect(abs(metrics.logLoss - expected) < 1e-12)
        let atHalf = metrics.at(threshold: 0.5)
        #expect(atHalf.truePositives == 1 && atHalf.falsePositives == 1 && atHalf.trueNegatives == 1 && atHalf.falseNegatives == 1)
        #expect(atHalf.accuracy == 0.5 && atHalf.precision == 0.5 && atHalf.recall == 0.5)
        let certainMistake = try BinaryClassificationMetrics(scores: [0, 1], labels: [1, 0])
        #expect(certainMistake.logLoss.isFinite)
    }

    @Test func rejectsBadInput() {
        #expect(throws: LearningError.singleClass(label: 1)) { try BinaryClassificationMetrics(scores: [0.1, 0.2], labels: [1, 1]) }
        #expect(throws: LearningError.nonFiniteValue(column: "scores", row: 1)) { try BinaryClassificationMetrics(scores: [0.1, .nan], labels: [0, 1]) }
        #expect(throws: LearningError.columnLengthMismatch(column: "labels", expected: 2, found: 1)) { try BinaryClassificationMetrics(scores: [0.1, 0.2], labels: [1]) }
        #expect(throws: LearningError.emptyTable(operation: "BinaryClassificationMetrics")) { try BinaryClassificationMetrics(scores: [], labels: []) }
    }

    @Test func clusteringMetrics() throws {
        let table = try SyntheticData.blobs(centres: [[0, 0], [10, 0], [0, 10]], perCentre: 100, spread: 0.5, seed: 4)
        let model = try KMeans().with(KMeans.k, 3).fit(table)
        #expect(abs(try ClusteringMetrics.sse(of: model, on: table) - model.trainingCost) < 1e-6)
        let silhouette = try ClusteringMetrics.silhouette(of: model, on: table, sampleSize: 200)
        #expect(silhouette > 0.8 && silhouette <= 1)
        let wrong = try KMeans().with(KMeans.k, 2).fit(table)
        #expect(try ClusteringMetrics.silhouette(of: wrong, on: table, sampleSize: 200) < silhouette)
    }
}
