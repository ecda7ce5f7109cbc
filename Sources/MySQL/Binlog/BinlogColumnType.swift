/// A column type code as the binlog's TABLE_MAP writes it (`enum_field_types`). A struct
/// rather than an enum so that a code this decoder does not know stays representable and
/// becomes a typed error when a row uses it.
public struct BinlogColumnType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let decimal = Self(rawValue: 0)
    public static let tiny = Self(rawValue: 1)
    public static let short = Self(rawValue: 2)
    public static let long = Self(rawValue: 3)
    public static let float = Self(rawValue: 4)
    public static let double = Self(rawValue: 5)
    public static let null = Self(rawValue: 6)
    public static let timestamp = Self(rawValue: 7)
    public static let longlong = Self(rawValue: 8)
    public static let int24 = Self(rawValue: 9)
    public static let date = Self(rawValue: 10)
    public static let time = Self(rawValue: 11)
    public static let datetime = Self(rawValue: 12)
    public static let year = Self(rawValue: 13)
    public static let newdate = Self(rawValue: 14)
    public static let varchar = Self(rawValue: 15)
    public static let bit = Self(rawValue: 16)
    public static let timestamp2 = Self(rawValue: 17)
    public static let datetime2 = Self(rawValue: 18)
    public static let time2 = Self(rawValue: 19)
    public static let json = Self(rawValue: 245)
    public static let newdecimal = Self(rawValue: 246)
    public static let enumeration = Self(rawValue: 247)
    public static let set = Self(rawValue: 248)
    public static let tinyBlob = Self(rawValue: 249)
    public static let mediumBlob = Self(rawValue: 250)
    public static let longBlob = Self(rawValue: 251)
    public static let blob = Self(rawValue: 252)
    public static let varString = Self(rawValue: 253)
    public static let string = Self(rawValue: 254)
    public static let geometry = Self(rawValue: 255)

    /// Numeric types: the ones the SIGNEDNESS optional metadata has a bit for.
    var isNumeric: Bool {
        switch self {
        case .tiny, .short, .int24, .long, .longlong, .float, .double, .newdecimal, .decimal: true
        default: false
        }
    }

    /// Types that carry a character set in COLUMN_CHARSET metadata (ENUM/SET excluded).
    var isCharacter: Bool {
        switch self {
        case .string, .varString, .varchar, .blob, .tinyBlob, .mediumBlob, .longBlob: true
        default: false
        }
    }

    public var description: String { "type \(rawValue)" }
}
