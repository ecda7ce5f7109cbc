/// A fitted linear logistic model: `P(label = 1 | x) = σ(w·x + b)`.
///
/// Produced by ``LogisticRegression`` (batch) and by ``FTRLLearner/snapshot()`` (online).
/// `transform` adds the probability and the predicted class (probability > threshold).
public struct LogisticRegressionModel: Model {
    public static let stageType = "LogisticRegressionModel"
    public static let declaredParams = LogisticRegression.declaredParams
    public var params: ParamMap
    /// One weight per feature.
    public let coefficients: [Double]
    /// The bias term `b`.
    public let intercept: Double
    /// Optimiser iterations (batch) or examples seen (online).
    public let iterations: Int
    /// Final value of the training objective (batch) or 0 (online).
    public let objective: Double

    /// Feature vector length.
    public var dimension: Int { coefficients.count }

    /// A model from explicit weights.
    public init(coefficients: [Double], intercept: Double) throws(LearningError) {
        guard !coefficients.isEmpty else { throw .emptyTable(operation: "LogisticRegressionModel(coefficients:)") }
        guard coefficients.allSatisfy(\.isFinite), intercept.isFinite else {
            throw .nonFiniteValue(column: "coefficients", row: 0)
        }
        self.init(params: ParamMap(), coefficients: coefficients, intercept: intercept, iterations: 0, objective: 0)
    }

    init(params: ParamMap, coefficients: [Double], intercept: Double, iterations: Int, objective: Double) {
        self.params = params
        self.coefficients = coefficients
        self.intercept = intercept
        self.iterations = iterations
        self.objective = objective
    }

    /// `P(label = 1)` for a dense feature vector.
    public func probability(_ features: [Double]) throws(LearningError) -> Double {
        guard features.count == dimension else {
            throw .dimensionMismatch(column: get(LogisticRegression.featuresColumn), expected: dimension, found: features.count)
        }
        var margin = intercept
        for index in 0 ..< dimension { margin += coefficients[index] * features[index] }
        guard margin.isFinite else { throw .nonFiniteValue(column: get(LogisticRegression.featuresColumn), row: 0) }
        return LogisticLoss.sigmoid(margin)
    }

    /// `P(label = 1)` for a sparse feature vector.
    public func probability(_ features: SparseVector) throws(LearningError) -> Double {
        guard features.dimension == dimension else {
            throw .dimensionMismatch(column: get(LogisticRegression.featuresColumn), expected: dimension, found: features.dimension)
        }
        var margin = intercept
        for (index, value) in zip(features.indices, features.values) { margin += coefficients[Int(index)] * value }
        guard margin.isFinite else { throw .nonFiniteValue(column: get(LogisticRegression.featuresColumn), row: 0) }
        return LogisticLoss.sigmoid(margin)
    }

    /// `P(label = 1)` for every row of `table`.
    public func probabilities(_ table: Table) throws(LearningError) -> [Double] {
        let features = try FeatureMatrix.read(table, column: get(LogisticRegression.featuresColumn), expectedDimension: dimension)
        var result = [Double](repeating: 0, count: features.rowCount)
        coefficients.withUnsafeBufferPointer { weights in
            switch features {
            case let .dense(column):
                column.values.withUnsafeBufferPointer { values in
                    guard let base = values.baseAddress, let weightBase = weights.baseAddress else { return }
                    for row in 0 ..< column.count {
                        result[row] = LogisticLoss.sigmoid(intercept + VectorKernels.dot(base + row * dimension, weightBase, dimension))
                    }
                }
            case let .sparse(column):
                for row in 0 ..< column.count {
                    var margin = intercept
                    for position in column.offsets[row] ..< column.offsets[row + 1] {
                        margin += weights[Int(column.indices[position])] * column.values[position]
                    }
                    result[row] = LogisticLoss.sigmoid(margin)
                }
            }
        }
        return result
    }

    public func transform(_ table: Table) throws(LearningError) -> Table {
        let probabilities = try probabilities(table)
        let threshold = get(LogisticRegression.threshold)
        return try table.adding(get(LogisticRegression.probabilityColumn), .numeric(probabilities))
            .adding(get(LogisticRegression.predictionColumn), .numeric(probabilities.map { $0 > threshold ? 1 : 0 }))
    }

    public func transform(_ row: Row) throws(LearningError) -> Row {
        let name = get(LogisticRegression.featuresColumn)
        let probability: Double
        switch try row.require(name) {
        case let .vector(vector): probability = try self.probability(vector)
        case let .sparse(vector): probability = try self.probability(vector)
        case let .number(value): probability = try self.probability([value])
        case .category:
            throw .columnTypeMismatch(column: name, expected: "numeric or vector", found: "categorical")
        }
        var result = row
        result.set(get(LogisticRegression.probabilityColumn), .number(probability))
        result.set(get(LogisticRegression.predictionColumn), .number(probability > get(LogisticRegression.threshold) ? 1 : 0))
        return result
    }

    public func encodeState(into saved: inout SavedStage) throws(LearningError) {
        // Weights are stored sparsely: online models over 2^20 hashed slots are mostly zeros.
        var indices: [Int32] = [], values: [Double] = []
        for (index, value) in coefficients.enumerated() where value != 0 {
            indices.append(Int32(index))
            values.append(value)
        }
        saved.arrays["coefficientIndices"] = .int32s(indices)
        saved.arrays["coefficientValues"] = .doubles(values)
        saved.metadata["dimension"] = .number(Double(dimension))
        saved.metadata["intercept"] = .number(intercept)
        saved.metadata["iterations"] = .number(Double(iterations))
        saved.metadata["objective"] = .number(objective)
    }

    public init(decoding saved: SavedStage) throws(LearningError) {
        let dimension = try saved.metadataInt("dimension")
        let indices = try saved.int32s("coefficientIndices"), values = try saved.doubles("coefficientValues")
        guard dimension > 0, indices.count == values.count else {
            throw .corruptSave(path: saved.stageType, reason: "coefficient arrays do not match")
        }
        var coefficients = [Double](repeating: 0, count: dimension)
        for (index, value) in zip(indices, values) {
            guard index >= 0, Int(index) < dimension else {
                throw .corruptSave(path: saved.stageType, reason: "coefficient index \(index) outside dimension \(dimension)")
            }
            coefficients[Int(index)] = value
        }
        self.init(params: ParamMap(), coefficients: coefficients, intercept: try saved.metadataDouble("intercept"),
                  iterations: try saved.metadataInt("iterations"), objective: try saved.metadataDouble("objective"))
        try setParams(fromJSON: saved.params)
    }
}
