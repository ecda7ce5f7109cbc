/// The smooth part of the regularised logistic-regression objective and its gradient:
///
///     f(w, b) = (1 / Σsᵢ) Σ sᵢ·[log(1 + e^(w·xᵢ + b)) − yᵢ·(w·xᵢ + b)] + (λ₂ / 2)·‖w‖²
///
/// where `sᵢ` is the class weight of row i. The L1 part (if any) is handled by OWL-QN. The
/// parameter vector is `w` followed by `b` when an intercept is fitted. Rows are split across
/// cores, each chunk summing into its own gradient buffer.
struct LogisticObjective {
    let features: FeatureMatrix
    let labels: [Double]
    let rowWeights: [Double]
    let totalWeight: Double
    let l2: Double
    let fitIntercept: Bool
    let ranges: [Range<Int>]

    init(features: FeatureMatrix, labels: [Double], classWeights: [Double], l2: Double, fitIntercept: Bool) {
        self.features = features
        self.labels = labels
        rowWeights = labels.map { classWeights[$0 == 1 ? 1 : 0] }
        totalWeight = rowWeights.reduce(0, +)
        self.l2 = l2
        self.fitIntercept = fitIntercept
        ranges = ParallelChunks.ranges(count: labels.count, minimumChunk: 2048)
    }

    var parameterCount: Int { features.dimension + (fitIntercept ? 1 : 0) }

    /// The objective at `x`, writing its gradient into `gradient`.
    func evaluate(_ x: [Double], gradient: inout [Double]) -> Double {
        let dimension = features.dimension
        let width = parameterCount
        var partialGradients = [Double](repeating: 0, count: ranges.count * width)
        var partialLosses = [Double](repeating: 0, count: ranges.count)
        let intercept = fitIntercept ? x[dimension] : 0
        x.withUnsafeBufferPointer { weights in
            labels.withUnsafeBufferPointer { labelBuffer in
                rowWeights.withUnsafeBufferPointer { weightBuffer in
                    partialGradients.withUnsafeMutableBufferPointer { gradients in
                        partialLosses.withUnsafeMutableBufferPointer { losses in
                            ParallelChunks.run(ranges) { chunk, rows in
                                let gradientSlice = UnsafeMutableBufferPointer(rebasing: gradients[chunk * width ..< (chunk + 1) * width])
                                losses[chunk] = accumulate(rows: rows, weights: weights, intercept: intercept,
                                                           labels: labelBuffer, rowWeights: weightBuffer, gradient: gradientSlice)
                            }
                        }
                    }
                }
            }
        }
        let scale = 1 / totalWeight
        var value = partialLosses.reduce(0, +) * scale
        for index in 0 ..< width {
            var sum = 0.0
            for chunk in 0 ..< ranges.count { sum += partialGradients[chunk * width + index] }
            gradient[index] = sum * scale
        }
        if l2 > 0 {
            for index in 0 ..< dimension {
                value += 0.5 * l2 * x[index] * x[index]
                gradient[index] += l2 * x[index]
            }
        }
        return value
    }

    /// Loss of `rows`, adding their unscaled gradient into `gradient`.
    private func accumulate(rows: Range<Int>, weights: UnsafeBufferPointer<Double>, intercept: Double,
                            labels: UnsafeBufferPointer<Double>, rowWeights: UnsafeBufferPointer<Double>,
                            gradient: UnsafeMutableBufferPointer<Double>) -> Double {
        var loss = 0.0
        var interceptGradient = 0.0
        switch features {
        case let .dense(column):
            let dimension = column.dimension
            column.values.withUnsafeBufferPointer { values in
                guard let base = values.baseAddress, let weightBase = weights.baseAddress,
                      let gradientBase = gradient.baseAddress else { return }
                for row in rows {
                    let point = base + row * dimension
                    let margin = VectorKernels.dot(point, weightBase, dimension) + intercept
                    let weight = rowWeights[row]
                    loss += weight * LogisticLoss.loss(margin: margin, label: labels[row])
                    let residual = weight * (LogisticLoss.sigmoid(margin) - labels[row])
                    for element in 0 ..< dimension { gradientBase[element] += residual * point[element] }
                    interceptGradient += residual
                }
            }
        case let .sparse(column):
            column.offsets.withUnsafeBufferPointer { offsets in
                column.indices.withUnsafeBufferPointer { indices in
                    column.values.withUnsafeBufferPointer { values in
                        for row in rows {
                            var margin = intercept
                            for position in offsets[row] ..< offsets[row + 1] {
                                margin += weights[Int(indices[position])] * values[position]
                            }
                            let weight = rowWeights[row]
                            loss += weight * LogisticLoss.loss(margin: margin, label: labels[row])
                            let residual = weight * (LogisticLoss.sigmoid(margin) - labels[row])
                            for position in offsets[row] ..< offsets[row + 1] {
                                gradient[Int(indices[position])] += residual * values[position]
                            }
                            interceptGradient += residual
                        }
                    }
                }
            }
        }
        if fitIntercept { gradient[features.dimension] += interceptGradient }
        return loss
    }
}
