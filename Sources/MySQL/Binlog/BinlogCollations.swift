/// How the text of a character column is encoded, by collation id.
///
/// The built-in table covers the character sets Portrait meets in practice; a reader
/// connected to a server uses `init(charsetByCollation:)` with the server's own
/// `information_schema.COLLATIONS`, so every collation the server has is known.
public struct BinlogCollations: Sendable {
    /// The text encodings the decoder converts to Swift strings.
    public enum Encoding: Sendable, Equatable {
        case binary, utf8, latin1, ascii, utf16BigEndian, utf16LittleEndian, utf32BigEndian
    }

    private let byCollation: [Int: Encoding]

    /// Builds the table from `COLLATIONS.ID` → `CHARACTER_SET_NAME`.
    public init(charsetByCollation: [Int: String]) {
        var table: [Int: Encoding] = [:]
        for (id, charset) in charsetByCollation { table[id] = Self.encoding(charset: charset) }
        byCollation = table
    }

    /// The common collations of MariaDB and MySQL: binary, latin1, ascii, utf8mb3, utf8mb4, ucs2, utf16, utf32.
    public static let builtIn: BinlogCollations = {
        var table: [Int: String] = [63: "binary", 11: "ascii", 65: "ascii", 35: "ucs2", 90: "ucs2", 54: "utf16", 55: "utf16", 56: "utf16le", 62: "utf16le", 60: "utf32", 61: "utf32"]
        for id in [5, 8, 15, 31, 47, 48, 49, 94] { table[id] = "latin1" }
        for id in [33, 83] + Array(192...215) { table[id] = "utf8mb3" }
        for id in [45, 46] + Array(224...247) + Array(255...323) { table[id] = "utf8mb4" }
        for id in 128...151 { table[id] = "ucs2" }
        for id in 101...124 { table[id] = "utf16" }
        for id in 160...183 { table[id] = "utf32" }
        return BinlogCollations(charsetByCollation: table)
    }()

    /// The encoding of `collation`; unknown or absent collations are taken as UTF-8.
    public func encoding(collation: Int?) -> Encoding {
        guard let collation else { return .utf8 }
        return byCollation[collation] ?? .utf8
    }

    static func encoding(charset: String) -> Encoding {
        switch charset.lowercased() {
        case "binary": .binary
        case "latin1": .latin1
        case "ascii": .ascii
        case "ucs2", "utf16": .utf16BigEndian
        case "utf16le": .utf16LittleEndian
        case "utf32": .utf32BigEndian
        default: .utf8
        }
    }
}
