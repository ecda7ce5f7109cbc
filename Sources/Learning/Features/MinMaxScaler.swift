/// Learns each feature's range so the model can rescale a dense vector column into
/// `[min, max]` (default `[0, 1]`).
public struct MinMaxScaler: Estimator, ParameterOnlyStage {
    public static let stageType = "MinMaxScaler"
    /// Dense vector column to scale. Default: "features".
    public static let inputColumn = Param<String>("inputColumn", default: "features", doc: "dense vector column to scale", rule: .nonEmpty)
    /// Column to write. Default: "scaledFeatures".
    public static let outputColumn = Param<String>("outputColumn", default: "scaledFeatures", doc: "column to write", rule: .nonEmpty)
    /// Lower end of the output range. Default: 0.
    public static let min = Param<Double>("min", default: 0, doc: "lower end of the output range", rule: .finiteAtLeast(-Double.greatestFiniteMagnitude))
    /// Upper end of the output range. Default: 1.
    public static let max = Param<Double>("max", default: 1, doc: "upper end of the output range", rule: .finiteAtLeast(-Double.greatestFiniteMagnitude))
    public static let declaredParams = [inputColumn.erased, outputColumn.erased, min.erased, max.erased]
    public var params = ParamMap()

    /// A scaler with default parameters.
    public init() {}

    public func fit(_ table: Table) throws(LearningError) -> MinMaxScalerModel {
        // min < max involves two parameters, so it is checked here rather than per parameter.
        guard get(Self.min) < get(Self.max) else {
            throw .invalidParameter(name: "max", value: String(get(Self.max)), reason: "must be greater than min (\(get(Self.min)))")
        }
        let name = get(Self.inputColumn)
        let column = try table.vector(name)
        guard column.count > 0 else { throw .emptyTable(operation: "MinMaxScaler.fit") }
        if let row = column.firstNonFiniteRow() { throw .nonFiniteValue(column: name, row: row) }
        var low = Array(column[0]), high = Array(column[0])
        for row in 1 ..< column.count {
            let base = row * column.dimension
            for feature in 0 ..< column.dimension {
                let value = column.values[base + feature]
                if value < low[feature] { low[feature] = value }
                if value > high[feature] { high[feature] = value }
            }
        }
        return MinMaxScalerModel(params: params, dataMin: low, dataMax: high)
    }
}
