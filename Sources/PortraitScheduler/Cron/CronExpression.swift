import Foundation

/// A five-field cron expression (minute hour day-of-month month day-of-week) in the Vixie cron
/// dialect: `*`, lists, ranges, steps, month and day names, and the `@hourly`… macros.
/// See docs/SCHEDULER.md for the dialect.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    /// The text it was parsed from.
    public let source: String
    let minutes: CronValues
    let hours: CronValues
    let daysOfMonth: CronValues
    let months: CronValues
    /// 0 = Sunday … 6 = Saturday (7 is folded into 0).
    let daysOfWeek: CronValues
    /// Whether the field was written starting with `*`. As in Vixie cron, when both day fields
    /// are restricted a day matches if either matches; otherwise both must.
    let dayOfMonthIsStar: Bool
    let dayOfWeekIsStar: Bool

    public var description: String { source }

    /// How far ahead `next(after:in:)` looks before deciding the expression never fires
    /// (`0 0 30 2 *`); 28 years cover every weekday/leap-year combination.
    static let searchLimitDays = 28 * 366

    /// Whether the expression matches the local calendar day `year-month-day`, which is `weekday` (0 = Sunday).
    func matchesDay(month: Int, day: Int, weekday: Int) -> Bool {
        guard months.contains(month) else { return false }
        let domMatches = daysOfMonth.contains(day)
        let dowMatches = daysOfWeek.contains(weekday)
        if dayOfMonthIsStar || dayOfWeekIsStar { return domMatches && dowMatches }
        return domMatches || dowMatches
    }

    /// The first time strictly after `date` at which the expression fires, reading its fields
    /// as wall-clock time in `timeZone`. A local time that does not exist (the hour skipped
    /// when clocks go forward) is skipped; a local time that happens twice (clocks go back)
    /// fires once, at its first occurrence. `nil` if it never fires (e.g. 30 February).
    public func next(after date: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        guard let startHour = start.hour, let startMinute = start.minute,
              var day = calendar.date(from: DateComponents(year: start.year, month: start.month, day: start.day, hour: 12))
        else { return nil }
        let hourList = hours.values(in: 0...23)
        let minuteList = minutes.values(in: 0...59)
        for dayIndex in 0..<Self.searchLimitDays {
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            if let year = parts.year, let month = parts.month, let dayOfMonth = parts.day, let weekday = parts.weekday,
               matchesDay(month: month, day: dayOfMonth, weekday: weekday - 1) {
                for hour in hourList where dayIndex > 0 || hour >= startHour {
                    for minute in minuteList where dayIndex > 0 || hour > startHour || minute >= startMinute {
                        let wanted = DateComponents(year: year, month: month, day: dayOfMonth, hour: hour, minute: minute)
                        guard let candidate = calendar.date(from: wanted), candidate > date else { continue }
                        // Foundation moves a nonexistent local time forward; such a time is skipped.
                        let actual = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: candidate)
                        if actual.year == year, actual.month == month, actual.day == dayOfMonth, actual.hour == hour, actual.minute == minute {
                            return candidate
                        }
                    }
                }
            }
            // Noon is never inside a DST change, so adding a day to it always lands on the next date.
            guard let following = calendar.date(byAdding: .day, value: 1, to: day) else { return nil }
            day = following
        }
        return nil
    }
}
