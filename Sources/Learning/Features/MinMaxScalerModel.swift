/// Rescales a dense vector column into `[min, max]` with the ranges a ``MinMaxScaler`` learned.
public struct MinMaxScalerModel: Model {
    public static let stageType = "MinMaxScalerModel"
    public static let declaredParams = MinMaxScaler.declaredParams
    public var params: ParamMap
    /// Per-feature minimum seen while fitting.
    public let dataMin: [Double]
    /// Per-feature maximum seen while fitting.
    public let dataMax: [Double]

    init(params: ParamMap, dataMin: [Double], dataMax: [Double]) {
        self.params = params
        self.dataMin = dataMin
        self.dataMax = dataMax
    }

    /// Maps one value of `feature`; constant features map to the middle of the range.
    @inline(__always)
    private func scale(_ value: Double, _ feature: Int, low: Double, high: Double) -> Double {
        let span = dataMax[feature] - dataMin[feature]
        if span == 0 { return (low + high) / 2 }
        return low + (value - dataMin[feature]) / span * (high - low)
    }

    public func transform(_ table: Table) throws(LearningError) -> Table {
        let name = get(MinMaxScaler.inputColumn)
        let column = try table.vector(name)
        guard column.dimension == dataMin.count else {
            throw .dimensionMismatch(column: name, expected: dataMin.count, found: column.dimension)
        }
        let low = get(MinMaxScaler.min), high = get(MinMaxScaler.max)
        var out = column.values
        for index in 0 ..< out.count {
            out[index] = scale(out[index], index % column.dimension, low: low, high: high)
        }
        return try table.adding(get(MinMaxScaler.outputColumn),
                                .vector(DenseVectorColumn(unchecked: column.dimension, count: column.count, values: out)))
    }

    public func transform(_ row: Row) throws(LearningError) -> Row {
        let name = get(MinMaxScaler.inputColumn)
        guard case let .vector(vector) = try row.require(name) else {
            throw .columnTypeMismatch(column: name, expected: "dense vector", found: "another kind")
        }
        guard vector.count == dataMin.count else {
            throw .dimensionMismatch(column: name, expected: dataMin.count, found: vector.count)
        }
        let low = get(MinMaxScaler.min), high = get(MinMaxScaler.max)
        var result = row
        result.set(get(MinMaxScaler.outputColumn), .vector(vector.indices.map { scale(vector[$0], $0, low: low, high: high) }))
        return result
    }

    public func encodeState(into saved: inout SavedStage) throws(LearningError) {
        saved.arrays["dataMin"] = .doubles(dataMin)
        saved.arrays["dataMax"] = .doubles(dataMax)
    }

    public init(decoding saved: SavedStage) throws(LearningError) {
        let low = try saved.doubles("dataMin"), high = try saved.doubles("dataMax")
        guard low.count == high.count, !low.isEmpty else {
            throw .corruptSave(path: saved.stageType, reason: "dataMin and dataMax differ in length")
        }
        self.init(params: ParamMap(), dataMin: low, dataMax: high)
        try setParams(fromJSON: saved.params)
    }
}
