/// One value of a ``Row``: the single-row counterpart of a ``Column``.
public enum RowValue: Sendable, Equatable {
    /// A number (feature, label, prediction).
    case number(Double)
    /// A dense vector.
    case vector([Double])
    /// A sparse vector.
    case sparse(SparseVector)
    /// A categorical string.
    case category(String)
}
