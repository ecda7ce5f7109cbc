import CivilCalendar

/// Parses the times Portrait meets on its inputs into epoch milliseconds (UTC):
/// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS[.ffffff]` (CDC) and ISO 8601 with `T` and an optional
/// `Z` or `+00:00` (events). Other offsets are refused rather than guessed. The API checks
/// event times with it, so it accepts exactly what the processor reads.
public enum TimestampText {
    public static func epochMilliseconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= bytes.count else { return nil }
            var value: Int64 = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 10, bytes[4] == 0x2D, bytes[7] == 0x2D,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              (1...12).contains(month), (1...CivilCalendar.daysIn(month: month, year: year)).contains(day) else { return nil }
        var ms = CivilCalendar.days(year: year, month: month, day: day) * 86_400_000
        var index = 10
        if index < bytes.count {
            guard bytes[index] == 0x20 || bytes[index] == 0x54, bytes.count >= 19, bytes[13] == 0x3A, bytes[16] == 0x3A,
                  let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
                  hour < 24, minute < 60, second < 61 else { return nil }
            ms += ((hour * 60 + minute) * 60 + second) * 1_000
            index = 19
            if index < bytes.count, bytes[index] == 0x2E {
                index += 1
                var scale: Int64 = 100
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                    ms += Int64(bytes[index] - 0x30) * scale
                    scale /= 10
                    index += 1
                }
            }
            let zone = String(decoding: bytes[index...], as: UTF8.self)
            guard ["", "Z", "+00:00", "+0000"].contains(zone) else { return nil }
        }
        return ms
    }

    /// `2026-01-01T00:00:00.000Z`, in UTC, by integer arithmetic: an `ISO8601DateFormatter`
    /// built per call took a third of a profile read's CPU (perf, Benchmarks/README.md).
    public static func iso8601(milliseconds: Int64) -> String {
        let (seconds, millisecond) = floorDivision(milliseconds, 1_000)
        let (days, secondOfDay) = floorDivision(seconds, 86_400)
        let (year, month, day) = CivilCalendar.date(daysSince1970: days)
        var text = year >= 0 && year < 10_000 ? padded(year, 4) : String(year)
        text += "-" + padded(month, 2) + "-" + padded(day, 2)
        text += "T" + padded(secondOfDay / 3_600, 2) + ":" + padded(secondOfDay / 60 % 60, 2) + ":" + padded(secondOfDay % 60, 2)
        text += "." + padded(millisecond, 3) + "Z"
        return text
    }

    /// Quotient and remainder rounded towards minus infinity (times before 1970 stay valid).
    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
