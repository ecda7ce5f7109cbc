/// What a ``OneHotEncoderModel`` does with a category it did not see while fitting.
public enum UnknownCategoryPolicy: String, ParamValue, CaseIterable, Sendable {
    /// Throw ``LearningError/unknownCategory(column:value:)``.
    case error
    /// Encode the column as all zeros.
    case ignore
}
