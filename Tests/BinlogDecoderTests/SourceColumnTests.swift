import MySQL
import Testing

/// `information_schema` column descriptions used when the binlog carries no column names.
@Suite struct SourceColumnTests {
    @Test func enumAndSetValuesComeFromTheColumnType() {
        #expect(SourceColumn.enumValues(fromColumnType: "enum('red','green','blue')") == ["red", "green", "blue"])
        #expect(SourceColumn.enumValues(fromColumnType: "set('a,b','it''s','x)y')") == ["a,b", "it's", "x)y"])
        #expect(SourceColumn.enumValues(fromColumnType: "int(10) unsigned").isEmpty)
    }

    @Test func aColumnFitsOnlyTheBinlogTypesThatCanHoldIt() {
        let column = SourceColumn(name: "n", dataType: "BIGINT", isUnsigned: true, isNullable: true, collation: nil, enumValues: [])
        #expect(column.fits(.longlong))
        #expect(!column.fits(.long))
        #expect(!column.fits(.varchar))
        let text = SourceColumn(name: "t", dataType: "varchar", isUnsigned: false, isNullable: false, collation: 45, enumValues: [])
        #expect(text.fits(.varchar) && !text.fits(.blob))
    }
}
