/// One column as the source's `information_schema.COLUMNS` describes it: what a TABLE_MAP
/// written without full row metadata (MySQL 5.7, `binlog_row_metadata=MINIMAL`) lacks.
public struct SourceColumn: Sendable, Equatable {
    public var name: String
    /// `DATA_TYPE`, lower-case (`int`, `varchar`, `enum`, …).
    public var dataType: String
    /// `UNSIGNED` in `COLUMN_TYPE`.
    public var isUnsigned: Bool
    public var isNullable: Bool
    /// The collation id of a character column; 63 (`binary`) for binary strings and BLOBs.
    public var collation: Int?
    /// The values of an ENUM or SET, from `COLUMN_TYPE`, in definition order.
    public var enumValues: [String]

    public init(name: String, dataType: String, isUnsigned: Bool, isNullable: Bool, collation: Int?, enumValues: [String]) {
        self.name = name
        self.dataType = dataType.lowercased()
        self.isUnsigned = isUnsigned
        self.isNullable = isNullable
        self.collation = collation
        self.enumValues = enumValues
    }

    /// The values in an `enum('a','b''c')` / `set(…)` COLUMN_TYPE (quotes doubled inside).
    public static func enumValues(fromColumnType columnType: String) -> [String] {
        guard let open = columnType.firstIndex(of: "(") else { return [] }
        var values: [String] = []
        var current = ""
        var inQuote = false
        var index = columnType.index(after: open)
        while index < columnType.endIndex {
            let character = columnType[index]
            let next = columnType.index(after: index)
            if inQuote {
                if character == "'" {
                    if next < columnType.endIndex && columnType[next] == "'" {
                        current.append("'")
                        index = columnType.index(after: next)
                        continue
                    }
                    inQuote = false
                    values.append(current)
                    current = ""
                } else if character == "\\" && next < columnType.endIndex {
                    current.append(columnType[next])
                    index = columnType.index(after: next)
                    continue
                } else {
                    current.append(character)
                }
            } else if character == "'" {
                inQuote = true
            } else if character == ")" {
                break
            }
            index = next
        }
        return values
    }

    /// Whether a binlog column of `type` can hold this column (a TABLE_MAP written at another
    /// schema version usually cannot). Unknown data types are not judged.
    public func fits(_ type: BinlogColumnType) -> Bool {
        let allowed: [BinlogColumnType]
        switch dataType {
        case "tinyint", "bool", "boolean": allowed = [.tiny]
        case "smallint": allowed = [.short]
        case "mediumint": allowed = [.int24]
        case "int", "integer": allowed = [.long]
        case "bigint": allowed = [.longlong]
        case "float": allowed = [.float]
        case "double", "real": allowed = [.double]
        case "decimal", "numeric": allowed = [.newdecimal, .decimal]
        case "bit": allowed = [.bit]
        case "date": allowed = [.date, .newdate]
        case "time": allowed = [.time, .time2]
        case "datetime": allowed = [.datetime, .datetime2]
        case "timestamp": allowed = [.timestamp, .timestamp2]
        case "year": allowed = [.year]
        case "char", "binary": allowed = [.string]
        case "varchar", "varbinary": allowed = [.varchar, .varString]
        case "tinyblob", "blob", "mediumblob", "longblob", "tinytext", "text", "mediumtext", "longtext":
            allowed = [.blob, .tinyBlob, .mediumBlob, .longBlob]
        case "json": allowed = [.json, .blob, .tinyBlob, .mediumBlob, .longBlob]
        case "enum": allowed = [.enumeration, .string]
        case "set": allowed = [.set, .string]
        case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection":
            allowed = [.geometry]
        default: return true
        }
        return allowed.contains(type)
    }
}
