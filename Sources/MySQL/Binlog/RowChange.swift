/// One row change: `before` for updates and deletes, `after` for inserts and updates.
/// Columns a MINIMAL/NOBLOB image leaves out hold `.null`; `RowsEvent.beforeColumns` /
/// `afterColumns` say which were present.
public struct RowChange: Sendable, Equatable {
    public var before: [MySQLValue]?
    public var after: [MySQLValue]?

    public init(before: [MySQLValue]?, after: [MySQLValue]?) {
        self.before = before
        self.after = after
    }
}
