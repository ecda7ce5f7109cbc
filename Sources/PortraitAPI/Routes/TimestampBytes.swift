import CivilCalendar
import PortraitProcessor

/// ``TimestampText/iso8601(milliseconds:)``'s text (`2026-01-01T00:00:00.000Z`), written as a
/// JSON string straight into the answer's bytes: building it as a `String` from pieces was
/// ~2 % of the server's CPU per profile GET (perf, Benchmarks/README.md, "Issue 16, leaner
/// serving path"). Years 0–9999 only (fixed width); any other goes through `TimestampText`.
/// The date is `CivilCalendar`'s; `TimestampBytesTests` checks the text against `TimestampText`.
enum TimestampBytes {
    /// Writes `"…Z"`, quotes included.
    static func writeJSON(milliseconds: Int64, to out: inout [UInt8]) {
        let (seconds, millisecond) = floorDivision(milliseconds, 1_000)
        let (days, secondOfDay) = floorDivision(seconds, 86_400)
        guard let (year, month, day) = date(daysSince1970: days), (0..<10_000).contains(year) else {
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: TimestampText.iso8601(milliseconds: milliseconds).utf8)
            return out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "\""))
        digits(year, 4, to: &out)
        out.append(UInt8(ascii: "-"))
        digits(month, 2, to: &out)
        out.append(UInt8(ascii: "-"))
        digits(day, 2, to: &out)
        out.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3_600, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2, to: &out)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2, to: &out)
        out.append(UInt8(ascii: "."))
        digits(millisecond, 3, to: &out)
        out.append(contentsOf: "Z\"".utf8)
    }

    /// `(year, month, day)`; `nil` where the arithmetic could overflow (far outside 0–9999).
    private static func date(daysSince1970 days: Int64) -> (Int64, Int64, Int64)? {
        guard abs(days) < 1 << 40 else { return nil }
        let date = CivilCalendar.date(daysSince1970: days)
        return (date.year, date.month, date.day)
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }

    /// `value` (0 ≤ value < 10^width) in exactly `width` digits.
    private static func digits(_ value: Int64, _ width: Int, to out: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }
}
