import Foundation
import JSON
import MySQL

/// DATETIME(6) columns hold UTC (connections use `time_zone = '+00:00'`), to the microsecond.
extension MySQLValue {
    static func utc(_ date: Date) -> MySQLValue {
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let fraction = Int(microseconds - seconds * 1_000_000)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        return .datetime(MySQLDateTime(
            date: MySQLDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1),
            hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0, microsecond: fraction))
    }

    static func utc(_ date: Date?) -> MySQLValue { date.map { .utc($0) } ?? .null }

    static func json(_ value: JSONValue?) -> MySQLValue { value.map { .string($0.description) } ?? .null }

    static func integer(_ value: Int?) -> MySQLValue { value.map { .int(Int64($0)) } ?? .null }
}

extension MySQLRow {
    /// A DATETIME column read as UTC; `nil` when NULL.
    func date(_ name: String) throws(MySQLError) -> Date? {
        guard let value = self[name] else { throw .typeMismatch(column: name, expected: "DATETIME", got: "no such column") }
        switch value {
        case .null: return nil
        case .datetime(let datetime):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let components = DateComponents(
                year: datetime.date.year, month: datetime.date.month, day: datetime.date.day,
                hour: datetime.hour, minute: datetime.minute, second: datetime.second)
            guard let whole = calendar.date(from: components) else { throw .typeMismatch(column: name, expected: "DATETIME", got: value.description) }
            return whole.addingTimeInterval(TimeInterval(datetime.microsecond) / 1_000_000)
        default:
            throw .typeMismatch(column: name, expected: "DATETIME", got: value.description)
        }
    }

    /// A JSON column; `nil` when NULL.
    func json(_ name: String) throws -> JSONValue? {
        guard let text = try decode(String?.self, name) else { return nil }
        return try JSONValue(parsing: text)
    }
}
