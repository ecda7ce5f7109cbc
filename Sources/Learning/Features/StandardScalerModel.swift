/// Centres and scales a dense vector column with the statistics a ``StandardScaler`` learned.
public struct StandardScalerModel: Model {
    public static let stageType = "StandardScalerModel"
    public static let declaredParams = StandardScaler.declaredParams
    public var params: ParamMap
    /// Per-feature means.
    public let mean: [Double]
    /// Per-feature population standard deviations.
    public let std: [Double]

    init(params: ParamMap, mean: [Double], std: [Double]) {
        self.params = params
        self.mean = mean
        self.std = std
    }

    public func transform(_ table: Table) throws(LearningError) -> Table {
        let name = get(StandardScaler.inputColumn)
        let column = try table.vector(name)
        guard column.dimension == mean.count else {
            throw .dimensionMismatch(column: name, expected: mean.count, found: column.dimension)
        }
        var out = column.values
        let (shift, factor) = coefficients()
        out.withUnsafeMutableBufferPointer { values in
            for row in 0 ..< column.count {
                let base = row * column.dimension
                for feature in 0 ..< column.dimension {
                    values[base + feature] = (values[base + feature] - shift[feature]) * factor[feature]
                }
            }
        }
        return try table.adding(get(StandardScaler.outputColumn),
                                .vector(DenseVectorColumn(unchecked: column.dimension, count: column.count, values: out)))
    }

    public func transform(_ row: Row) throws(LearningError) -> Row {
        let name = get(StandardScaler.inputColumn)
        guard case let .vector(vector) = try row.require(name) else {
            throw .columnTypeMismatch(column: name, expected: "dense vector", found: "another kind")
        }
        guard vector.count == mean.count else {
            throw .dimensionMismatch(column: name, expected: mean.count, found: vector.count)
        }
        let (shift, factor) = coefficients()
        var result = row
        result.set(get(StandardScaler.outputColumn), .vector((0 ..< vector.count).map { (vector[$0] - shift[$0]) * factor[$0] }))
        return result
    }

    /// What to subtract and multiply by; constant features keep a factor of 1 (as
    /// scikit-learn does) instead of dividing by zero.
    private func coefficients() -> (shift: [Double], factor: [Double]) {
        let shift = get(StandardScaler.withMean) ? mean : [Double](repeating: 0, count: mean.count)
        let factor = get(StandardScaler.withStd) ? std.map { $0 > 0 ? 1 / $0 : 1 } : [Double](repeating: 1, count: std.count)
        return (shift, factor)
    }

    public func encodeState(into saved: inout SavedStage) throws(LearningError) {
        saved.arrays["mean"] = .doubles(mean)
        saved.arrays["std"] = .doubles(std)
    }

    public init(decoding saved: SavedStage) throws(LearningError) {
        let mean = try saved.doubles("mean"), std = try saved.doubles("std")
        guard mean.count == std.count, !mean.isEmpty else {
            throw .corruptSave(path: saved.stageType, reason: "mean and std differ in length")
        }
        self.init(params: ParamMap(), mean: mean, std: std)
        try setParams(fromJSON: saved.params)
    }
}
