extension TableMap {
    /// This TABLE_MAP with the names, signedness, charsets, ENUM/SET values and primary key of
    /// `source` (the table's columns from `information_schema`), for binlogs written without
    /// full row metadata. `nil` when `source` cannot describe these rows — a different column
    /// count, a type or nullability that does not fit — because it is another version of the table.
    public func described(by source: [SourceColumn], primaryKey: [Int]) -> TableMap? {
        guard source.count == columns.count else { return nil }
        var described = columns
        for index in described.indices {
            let column = source[index]
            guard column.fits(columns[index].type), column.isNullable == columns[index].isNullable else { return nil }
            described[index].name = column.name
            if columns[index].binlogType.isNumeric { described[index].isUnsigned = column.isUnsigned }
            if let collation = column.collation { described[index].collation = collation }
            if columns[index].type == .enumeration || columns[index].type == .set { described[index].enumValues = column.enumValues }
        }
        return TableMap(tableId: tableId, database: database, table: table, columns: described, primaryKey: primaryKey, collations: collations)
    }
}
