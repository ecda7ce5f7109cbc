/// What a statement without a result set did.
public struct MySQLExecution: Sendable, Equatable {
    public var affectedRows: UInt64
    /// The AUTO_INCREMENT id the statement generated, 0 if none.
    public var lastInsertId: UInt64
}
