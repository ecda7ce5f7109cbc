/// The result of one `portrait bench ml` run.
public struct MLBenchmarkReport: Sendable, Equatable {
    /// Algorithm run.
    public var algo: MLAlgorithm
    /// Training rows.
    public var rows: Int
    /// Seconds spent reading the input files.
    public var loadSeconds: Double
    /// Seconds spent fitting (feature stages included), comparable with a library's `fit` time.
    public var wallSeconds: Double
    /// `rows / wallSeconds`.
    public var rowsPerSecond: Double
    /// Sum of squared distances to the nearest centre (clustering).
    public var sse: Double?
    /// ROC AUC on the test file (prediction).
    public var auc: Double?
    /// Log loss on the test file (prediction).
    public var logLoss: Double?
    /// Lloyd iterations (kmeans), optimiser iterations (lr) or mini-batches (streaming-kmeans).
    public var iterations: Int?

    /// `(key, JSON value)` pairs in output order, keys as in bench/README.md; `nil` figures are
    /// left out. Append `peak_rss_mb` and join as `{"key": value, …}`.
    public func jsonFields() -> [(String, String)] {
        var fields: [(String, String)] = [
            ("algo", "\"\(algo.rawValue)\""),
            ("rows", String(rows)),
            ("load_s", Self.number(loadSeconds, digits: 3)),
            ("wall_s", Self.number(wallSeconds, digits: 3)),
            ("rows_per_s", Self.number(rowsPerSecond, digits: 0)),
        ]
        if let sse { fields.append(("sse", Self.number(sse, digits: 3))) }
        if let auc { fields.append(("auc", Self.number(auc, digits: 6))) }
        if let logLoss { fields.append(("logloss", Self.number(logLoss, digits: 6))) }
        if let iterations { fields.append(("iterations", String(iterations))) }
        return fields
    }

    /// One JSON object line from `jsonFields()` plus `extra` fields.
    public func jsonLine(extra: [(String, String)] = []) -> String {
        "{" + (jsonFields() + extra).map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// A finite number rounded to `digits` decimals; JSON has no NaN, so non-finite is null.
    static func number(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return "null" }
        if digits == 0 { return String(Int64(value.rounded())) }
        var scale = 1.0
        for _ in 0 ..< digits { scale *= 10 }
        return String((value * scale).rounded() / scale)
    }
}
