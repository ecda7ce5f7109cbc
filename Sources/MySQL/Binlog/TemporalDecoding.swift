import CivilCalendar
/// MySQL 5.6+ temporal formats (TIME2, DATETIME2, TIMESTAMP2): big-endian integers with an
/// offset instead of a sign bit, then 0-3 bytes of fractional seconds.
enum TemporalDecoding {
    /// Fractional seconds of precision `fsp` (0-6), as microseconds.
    @inline(__always)
    static func fraction(_ cursor: inout ByteCursor, fsp: Int) throws(BinlogDecodingError) -> Int {
        switch fsp {
        case 1, 2: Int(try cursor.be(1)) * 10_000
        case 3, 4: Int(try cursor.be(2)) * 100
        case 5, 6: Int(try cursor.be(3))
        default: 0
        }
    }

    /// DATETIME2: 40 bits (sign, year*13+month, day, hour, minute, second), then the fraction.
    static func datetime2(_ cursor: inout ByteCursor, fsp: Int) throws(BinlogDecodingError) -> MySQLDateTime {
        let packed = Int64(try cursor.be(5)) - 0x80_0000_0000
        let microseconds = try fraction(&cursor, fsp: fsp)
        let magnitude = Int(packed.magnitude)
        let yearMonthDay = magnitude >> 17
        let yearMonth = yearMonthDay >> 5
        let hms = magnitude & 0x1FFFF
        return MySQLDateTime(
            date: MySQLDate(year: yearMonth / 13, month: yearMonth % 13, day: yearMonthDay & 31),
            hour: hms >> 12, minute: (hms >> 6) & 63, second: hms & 63, microsecond: microseconds)
    }

    /// TIME2: 24 bits (sign, hours, minutes, seconds) offset by 0x800000, then the fraction.
    /// A negative time with a fraction borrows one second from the integer part, as MySQL writes it.
    static func time2(_ cursor: inout ByteCursor, fsp: Int) throws(BinlogDecodingError) -> MySQLTime {
        var packed: Int64  // MySQL's "packed time": integer part << 24 | microseconds
        switch fsp {
        case 1, 2:
            var integer = Int64(try cursor.be(3)) - 0x80_0000
            var fraction = Int64(try cursor.u8())
            if integer < 0 && fraction != 0 { integer += 1; fraction -= 0x100 }
            packed = integer << 24 + fraction * 10_000
        case 3, 4:
            var integer = Int64(try cursor.be(3)) - 0x80_0000
            var fraction = Int64(try cursor.be(2))
            if integer < 0 && fraction != 0 { integer += 1; fraction -= 0x10000 }
            packed = integer << 24 + fraction * 100
        case 5, 6:
            packed = Int64(try cursor.be(6)) - 0x8000_0000_0000
        default:
            packed = (Int64(try cursor.be(3)) - 0x80_0000) << 24
        }
        let negative = packed < 0
        let magnitude = Int(packed.magnitude)
        let hms = magnitude >> 24
        return MySQLTime(
            negative: negative, hours: (hms >> 12) & 0x3FF, minutes: (hms >> 6) & 63, seconds: hms & 63,
            microseconds: magnitude & 0xFF_FFFF)
    }

    /// Seconds since the Unix epoch as a UTC date and time; 0 is MySQL's zero TIMESTAMP.
    static func utcDateTime(seconds: Int64, microseconds: Int) -> MySQLDateTime {
        if seconds == 0 && microseconds == 0 {
            return MySQLDateTime(date: MySQLDate(year: 0, month: 0, day: 0), hour: 0, minute: 0, second: 0)
        }
        let days = Int(seconds / 86_400)
        let secondOfDay = Int(seconds % 86_400)
        return MySQLDateTime(
            date: civilDate(daysSinceEpoch: days), hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60,
            second: secondOfDay % 60, microsecond: microseconds)
    }

    /// Days since 1970-01-01 to a proleptic Gregorian date.
    static func civilDate(daysSinceEpoch: Int) -> MySQLDate {
        let date = CivilCalendar.date(daysSince1970: Int64(daysSinceEpoch))
        return MySQLDate(year: Int(date.year), month: Int(date.month), day: Int(date.day))
    }
}
