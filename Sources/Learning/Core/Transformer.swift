/// A stage that maps a table to a table with more columns, and a single row to a row, so
/// the same fitted stage serves batch scoring and streaming.
public protocol Transformer: PipelineStage {
    /// Returns `table` with this stage's output columns added.
    func transform(_ table: Table) throws(LearningError) -> Table
    /// Returns `row` with this stage's output values added.
    func transform(_ row: Row) throws(LearningError) -> Row
}

extension Transformer {
    /// Applies the table path to a one-row table; stages with a faster per-row path
    /// override this.
    public func transform(_ row: Row) throws(LearningError) -> Row {
        let table = try Table(row: row)
        return try transform(table).row(at: 0)
    }
}
