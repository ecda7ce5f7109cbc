/// Learns the categories of one or more categorical columns so the model can encode them as
/// one sparse vector: each column gets a block of slots, one per category.
public struct OneHotEncoder: Estimator, ParameterOnlyStage {
    public static let stageType = "OneHotEncoder"
    /// Categorical columns to encode, in block order.
    public static let inputColumns = Param<[String]>("inputColumns", default: ["category"], doc: "categorical columns to encode", rule: .nonEmptyDistinctNames)
    /// Sparse vector column to write. Default: "categoryVector".
    public static let outputColumn = Param<String>("outputColumn", default: "categoryVector", doc: "sparse vector column to write", rule: .nonEmpty)
    /// Unseen categories: "error" or "ignore" (all zeros). Default: "error".
    public static let handleUnknown = Param<UnknownCategoryPolicy>("handleUnknown", default: .error, doc: "unseen categories: error or ignore (all zeros)")
    public static let declaredParams = [inputColumns.erased, outputColumn.erased, handleUnknown.erased]
    public var params = ParamMap()

    /// An encoder with default parameters.
    public init() {}

    public func fit(_ table: Table) throws(LearningError) -> OneHotEncoderModel {
        guard table.rowCount > 0 else { throw .emptyTable(operation: "OneHotEncoder.fit") }
        var vocabularies: [[String]] = []
        for name in get(Self.inputColumns) {
            // Sorted so the slot layout does not depend on row order.
            vocabularies.append(Set(try table.categorical(name)).sorted())
        }
        return OneHotEncoderModel(params: params, vocabularies: vocabularies)
    }
}
