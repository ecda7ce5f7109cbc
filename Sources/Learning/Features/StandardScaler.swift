/// Learns each feature's mean and standard deviation so the model can centre and scale a
/// dense vector column to zero mean and unit variance.
public struct StandardScaler: Estimator, ParameterOnlyStage {
    public static let stageType = "StandardScaler"
    /// Dense vector column to scale. Default: "features".
    public static let inputColumn = Param<String>("inputColumn", default: "features", doc: "dense vector column to scale", rule: .nonEmpty)
    /// Column to write. Default: "scaledFeatures".
    public static let outputColumn = Param<String>("outputColumn", default: "scaledFeatures", doc: "column to write", rule: .nonEmpty)
    /// Subtract the mean. Default: true.
    public static let withMean = Param<Bool>("withMean", default: true, doc: "subtract the mean")
    /// Divide by the standard deviation. Default: true.
    public static let withStd = Param<Bool>("withStd", default: true, doc: "divide by the (population) standard deviation")
    public static let declaredParams = [inputColumn.erased, outputColumn.erased, withMean.erased, withStd.erased]
    public var params = ParamMap()

    /// A scaler with default parameters.
    public init() {}

    public func fit(_ table: Table) throws(LearningError) -> StandardScalerModel {
        let name = get(Self.inputColumn)
        let column = try table.vector(name)
        guard column.count > 0 else { throw .emptyTable(operation: "StandardScaler.fit") }
        if let row = column.firstNonFiniteRow() { throw .nonFiniteValue(column: name, row: row) }
        let dimension = column.dimension
        var mean = [Double](repeating: 0, count: dimension)
        var sumSquares = [Double](repeating: 0, count: dimension)
        // Welford's update keeps the variance accurate when the mean is large.
        column.values.withUnsafeBufferPointer { values in
            for row in 0 ..< column.count {
                let base = row * dimension
                let weight = 1 / Double(row + 1)
                for feature in 0 ..< dimension {
                    let delta = values[base + feature] - mean[feature]
                    mean[feature] += delta * weight
                    sumSquares[feature] += delta * (values[base + feature] - mean[feature])
                }
            }
        }
        let std = sumSquares.map { ($0 / Double(column.count)).squareRoot() }
        return StandardScalerModel(params: params, mean: mean, std: std)
    }
}
