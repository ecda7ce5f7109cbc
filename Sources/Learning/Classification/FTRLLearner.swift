import Foundation

/// The mutable state of an FTRL-Proximal learner: per coordinate, the accumulated
/// adjusted gradient `z` and squared gradient `n`.
///
/// A value type owned by the training task; ``snapshot()`` returns an immutable
/// ``LogisticRegressionModel`` that can be published to a ``ModelPredictor`` while training
/// continues. Training is one example (or one mini-batch) at a time and allocates nothing per
/// example.
public struct FTRLLearner: Sendable {
    /// Feature vector length.
    public let dimension: Int
    /// Examples trained on so far.
    public private(set) var examplesSeen = 0
    private let configuration: FTRL
    private let alpha: Double, beta: Double, l1: Double, l2: Double
    private let fitIntercept: Bool
    private let batchSize: Int
    /// `z` and `n` interleaved per coordinate (`z` at 2i, `n` at 2i + 1), with the intercept
    /// last, so one cache line serves both reads of a coordinate.
    private var state: [Double]
    /// Reused per-example buffer for the weights of the active coordinates.
    private var scratch: [Double] = []
    /// Per-coordinate gradient sums for mini-batches, with the list of touched coordinates.
    private var batchGradient: [Double] = []
    private var touched: [Int] = []

    init(configuration: FTRL, dimension: Int) {
        self.dimension = dimension
        self.configuration = configuration
        alpha = configuration.get(FTRL.alpha)
        beta = configuration.get(FTRL.beta)
        l1 = configuration.get(FTRL.l1)
        l2 = configuration.get(FTRL.l2)
        fitIntercept = configuration.get(FTRL.fitIntercept)
        batchSize = configuration.get(FTRL.batchSize)
        state = [Double](repeating: 0, count: 2 * (dimension + 1))
    }

    /// What a restarted learner needs to continue exactly where this one is.
    public var checkpoint: FTRLCheckpoint { FTRLCheckpoint(examplesSeen: examplesSeen, state: state) }

    /// Continues from `checkpoint`, taken from a learner of the same dimension; throws (and
    /// changes nothing) for another dimension or values no learner could have reached.
    public mutating func resume(from checkpoint: FTRLCheckpoint) throws(LearningError) {
        guard checkpoint.state.count == state.count else {
            throw .dimensionMismatch(column: configuration.get(FTRL.featuresColumn), expected: dimension, found: checkpoint.state.count / 2 - 1)
        }
        guard checkpoint.examplesSeen >= 0, checkpoint.state.allSatisfy(\.isFinite) else {
            throw .nonFiniteValue(column: configuration.get(FTRL.featuresColumn), row: checkpoint.examplesSeen)
        }
        state = checkpoint.state
        examplesSeen = checkpoint.examplesSeen
    }

    /// The weight FTRL-Proximal's closed form gives a coordinate.
    @inline(__always)
    private static func weight(z: Double, n: Double, alpha: Double, beta: Double, l1: Double, l2: Double) -> Double {
        if abs(z) <= l1 { return 0 }
        return -(z - (z > 0 ? l1 : -l1)) / ((beta + n.squareRoot()) / alpha + l2)
    }

    /// `P(label = 1)` under the current state.
    public func probability(_ features: SparseVector) throws(LearningError) -> Double {
        guard features.dimension == dimension else {
            throw .dimensionMismatch(column: configuration.get(FTRL.featuresColumn), expected: dimension, found: features.dimension)
        }
        var margin = interceptWeight()
        for (index, value) in zip(features.indices, features.values) {
            let slot = 2 * Int(index)
            margin += Self.weight(z: state[slot], n: state[slot + 1], alpha: alpha, beta: beta, l1: l1, l2: l2) * value
        }
        return LogisticLoss.sigmoid(margin)
    }

    private func interceptWeight() -> Double {
        guard fitIntercept else { return 0 }
        let slot = 2 * dimension
        return Self.weight(z: state[slot], n: state[slot + 1], alpha: alpha, beta: beta, l1: 0, l2: 0)
    }

    /// Trains on one example; throws for a wrong dimension, non-finite values or a label
    /// other than 0 or 1 (and then leaves the state unchanged).
    public mutating func train(_ features: SparseVector, label: Double) throws(LearningError) {
        let column = configuration.get(FTRL.featuresColumn)
        guard features.dimension == dimension else {
            throw .dimensionMismatch(column: column, expected: dimension, found: features.dimension)
        }
        guard label == 0 || label == 1 else {
            if !label.isFinite { throw .nonFiniteValue(column: configuration.get(FTRL.labelColumn), row: examplesSeen) }
            throw .invalidLabel(row: examplesSeen, value: label)
        }
        guard features.values.allSatisfy(\.isFinite) else { throw .nonFiniteValue(column: column, row: examplesSeen) }
        features.indices.withUnsafeBufferPointer { indices in
            features.values.withUnsafeBufferPointer { values in
                trainOne(indices: indices, values: values, label: label)
            }
        }
    }

    /// Trains on every row of `table` in order, in mini-batches of `batchSize`.
    public mutating func train(_ table: Table) throws(LearningError) {
        let features = try FeatureMatrix.read(table, column: configuration.get(FTRL.featuresColumn), expectedDimension: dimension)
        let labels = try table.numeric(configuration.get(FTRL.labelColumn))
        for (row, label) in labels.enumerated() where label != 0 && label != 1 {
            if !label.isFinite { throw .nonFiniteValue(column: configuration.get(FTRL.labelColumn), row: row) }
            throw .invalidLabel(row: row, value: label)
        }
        train(rows: features.compressedRows, labels: labels)
    }

    /// Trains on pre-validated CSR rows (finite values, indices in range, labels 0/1).
    mutating func train(rows: SparseVectorColumn, labels: [Double]) {
        rows.offsets.withUnsafeBufferPointer { offsets in
            rows.indices.withUnsafeBufferPointer { indices in
                rows.values.withUnsafeBufferPointer { values in
                    if batchSize == 1 {
                        for row in 0 ..< labels.count {
                            let range = offsets[row] ..< offsets[row + 1]
                            trainOne(indices: UnsafeBufferPointer(rebasing: indices[range]),
                                     values: UnsafeBufferPointer(rebasing: values[range]), label: labels[row])
                        }
                    } else {
                        var start = 0
                        while start < labels.count {
                            let end = min(start + batchSize, labels.count)
                            trainBatch(rows: start ..< end, offsets: offsets, indices: indices, values: values, labels: labels)
                            start = end
                        }
                    }
                }
            }
        }
    }

    private mutating func trainOne(indices: UnsafeBufferPointer<Int32>, values: UnsafeBufferPointer<Double>, label: Double) {
        let alpha = alpha, beta = beta, l1 = l1, l2 = l2
        if scratch.count < indices.count { scratch = [Double](repeating: 0, count: max(indices.count, 64)) }
        let interceptSlot = 2 * dimension
        let fitIntercept = fitIntercept
        state.withUnsafeMutableBufferPointer { state in
            scratch.withUnsafeMutableBufferPointer { weights in
                var margin = 0.0
                for position in 0 ..< indices.count {
                    let slot = 2 * Int(indices[position])
                    let weight = Self.weight(z: state[slot], n: state[slot + 1], alpha: alpha, beta: beta, l1: l1, l2: l2)
                    weights[position] = weight
                    margin += weight * values[position]
                }
                var interceptWeight = 0.0
                if fitIntercept {
                    interceptWeight = Self.weight(z: state[interceptSlot], n: state[interceptSlot + 1], alpha: alpha, beta: beta, l1: 0, l2: 0)
                    margin += interceptWeight
                }
                let residual = LogisticLoss.sigmoid(margin) - label
                for position in 0 ..< indices.count {
                    let slot = 2 * Int(indices[position])
                    Self.update(state: state, slot: slot, gradient: residual * values[position], weight: weights[position], alpha: alpha)
                }
                if fitIntercept {
                    Self.update(state: state, slot: interceptSlot, gradient: residual, weight: interceptWeight, alpha: alpha)
                }
            }
        }
        examplesSeen += 1
    }

    /// FTRL-Proximal's per-coordinate update of `z` and `n` for gradient `gradient`.
    @inline(__always)
    private static func update(state: UnsafeMutableBufferPointer<Double>, slot: Int, gradient: Double, weight: Double, alpha: Double) {
        let n = state[slot + 1]
        let updatedN = n + gradient * gradient
        let sigma = (updatedN.squareRoot() - n.squareRoot()) / alpha
        state[slot] += gradient - sigma * weight
        state[slot + 1] = updatedN
    }

    /// One mini-batch: every example is scored with the same weights, the gradients are summed
    /// per coordinate, and each touched coordinate is updated once.
    private mutating func trainBatch(rows: Range<Int>, offsets: UnsafeBufferPointer<Int>, indices: UnsafeBufferPointer<Int32>,
                                     values: UnsafeBufferPointer<Double>, labels: [Double]) {
        if batchGradient.isEmpty { batchGradient = [Double](repeating: 0, count: dimension + 1) }
        let alpha = alpha, beta = beta, l1 = l1, l2 = l2
        let intercept = interceptWeight()
        touched.removeAll(keepingCapacity: true)
        state.withUnsafeMutableBufferPointer { state in
            batchGradient.withUnsafeMutableBufferPointer { gradient in
                for row in rows {
                    var margin = intercept
                    for position in offsets[row] ..< offsets[row + 1] {
                        let slot = 2 * Int(indices[position])
                        margin += Self.weight(z: state[slot], n: state[slot + 1], alpha: alpha, beta: beta, l1: l1, l2: l2) * values[position]
                    }
                    let residual = LogisticLoss.sigmoid(margin) - labels[row]
                    for position in offsets[row] ..< offsets[row + 1] {
                        let index = Int(indices[position])
                        if gradient[index] == 0 { touched.append(index) }
                        gradient[index] += residual * values[position]
                    }
                    gradient[dimension] += residual
                }
                for index in touched {
                    let slot = 2 * index
                    let weight = Self.weight(z: state[slot], n: state[slot + 1], alpha: alpha, beta: beta, l1: l1, l2: l2)
                    Self.update(state: state, slot: slot, gradient: gradient[index], weight: weight, alpha: alpha)
                    gradient[index] = 0
                }
                if fitIntercept {
                    Self.update(state: state, slot: 2 * dimension, gradient: gradient[dimension], weight: intercept, alpha: alpha)
                }
                gradient[dimension] = 0
            }
        }
        examplesSeen += rows.count
    }

    /// The current weights as an immutable model; training can continue afterwards.
    public func snapshot() -> LogisticRegressionModel {
        var coefficients = [Double](repeating: 0, count: dimension)
        for index in 0 ..< dimension {
            coefficients[index] = Self.weight(z: state[2 * index], n: state[2 * index + 1], alpha: alpha, beta: beta, l1: l1, l2: l2)
        }
        var params = ParamMap()
        params.values[LogisticRegression.featuresColumn.name] = configuration.get(FTRL.featuresColumn).jsonValue
        params.values[LogisticRegression.labelColumn.name] = configuration.get(FTRL.labelColumn).jsonValue
        params.values[LogisticRegression.predictionColumn.name] = configuration.get(FTRL.predictionColumn).jsonValue
        params.values[LogisticRegression.probabilityColumn.name] = configuration.get(FTRL.probabilityColumn).jsonValue
        return LogisticRegressionModel(params: params, coefficients: coefficients, intercept: interceptWeight(),
                                       iterations: examplesSeen, objective: 0)
    }
}
