/// A value sent to or read from MySQL.
public enum MySQLValue: Sendable, Equatable, Hashable, CustomStringConvertible {
    case null
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    /// DECIMAL, exact, as MySQL prints it.
    case decimal(String)
    case string(String)
    /// Binary strings and BLOBs, BIT values.
    case bytes([UInt8])
    case date(MySQLDate)
    case time(MySQLTime)
    /// DATETIME and TIMESTAMP (TIMESTAMP as the session time zone shows it; Portrait uses UTC).
    case datetime(MySQLDateTime)

    public var description: String {
        switch self {
        case .null: "NULL"
        case .int(let value): String(value)
        case .uint(let value): String(value)
        case .double(let value): String(value)
        case .decimal(let text), .string(let text): text
        case .bytes(let bytes): "0x" + bytes.map { String($0, radix: 16).leftPadded(2) }.joined()
        case .date(let date): date.description
        case .time(let time): time.description
        case .datetime(let datetime): datetime.description
        }
    }

    public var isNull: Bool { self == .null }
}

/// A calendar date (DATE).
public struct MySQLDate: Sendable, Hashable, CustomStringConvertible {
    public var year: Int, month: Int, day: Int
    public init(year: Int, month: Int, day: Int) { self.year = year; self.month = month; self.day = day }
    public var description: String { "\(String(year).leftPadded(4))-\(String(month).leftPadded(2))-\(String(day).leftPadded(2))" }
}

/// A signed duration or time of day (TIME), with microseconds.
public struct MySQLTime: Sendable, Hashable, CustomStringConvertible {
    public var negative: Bool, hours: Int, minutes: Int, seconds: Int, microseconds: Int
    public init(negative: Bool = false, hours: Int, minutes: Int, seconds: Int, microseconds: Int = 0) {
        self.negative = negative; self.hours = hours; self.minutes = minutes; self.seconds = seconds; self.microseconds = microseconds
    }
    public var description: String {
        (negative ? "-" : "") + "\(String(hours).leftPadded(2)):\(String(minutes).leftPadded(2)):\(String(seconds).leftPadded(2))"
            + (microseconds == 0 ? "" : "." + String(microseconds).leftPadded(6))
    }
}

/// A date and time (DATETIME, TIMESTAMP), with microseconds.
public struct MySQLDateTime: Sendable, Hashable, CustomStringConvertible {
    public var date: MySQLDate, hour: Int, minute: Int, second: Int, microsecond: Int
    public init(date: MySQLDate, hour: Int, minute: Int, second: Int, microsecond: Int = 0) {
        self.date = date; self.hour = hour; self.minute = minute; self.second = second; self.microsecond = microsecond
    }
    public var description: String {
        "\(date) \(String(hour).leftPadded(2)):\(String(minute).leftPadded(2)):\(String(second).leftPadded(2))"
            + (microsecond == 0 ? "" : "." + String(microsecond).leftPadded(6))
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
