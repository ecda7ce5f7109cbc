import Foundation
import PortraitScheduler
import Testing

@Suite("Cron expressions")
struct CronExpressionTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    /// `yyyy-MM-dd HH:mm` (or with `:ss`) read in `zone`.
    static func date(_ text: String, _ zone: TimeZone = utc) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = text.count > 16 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    /// The first `count` firings after `start`.
    static func firings(_ text: String, after start: Date, count: Int, in zone: TimeZone = utc) throws -> [Date] {
        let cron = try CronExpression(parsing: text)
        var dates: [Date] = []
        var cursor = start
        while dates.count < count, let next = cron.next(after: cursor, in: zone) {
            dates.append(next)
            cursor = next
        }
        return dates
    }

    @Test func everyFifteenMinutesFiresOnTheQuarterHoursStrictlyAfter() throws {
        let fired = try Self.firings("*/15 * * * *", after: Self.date("2025-06-01 10:00"), count: 3)
        #expect(fired == [Self.date("2025-06-01 10:15"), Self.date("2025-06-01 10:30"), Self.date("2025-06-01 10:45")])
        let fromOddSecond = try Self.firings("*/15 * * * *", after: Self.date("2025-06-01 10:14:59"), count: 1)
        #expect(fromOddSecond == [Self.date("2025-06-01 10:15")])
    }
}

extension CronExpressionTests {
    @Test func listsRangesAndStepsCombine() throws {
        // Minutes 0, 20-30 every 5, and 59; hours 9-17 every 2 (9, 11, 13, 15, 17).
        let fired = try Self.firings("0,20-30/5,59 9-17/2 * * *", after: Self.date("2025-06-01 08:00"), count: 6)
        #expect(fired == ["09:00", "09:20", "09:25", "09:30", "09:59", "11:00"].map { Self.date("2025-06-01 \($0)") })
    }

    @Test func aNumberWithAStepRunsToTheEndOfTheField() throws {
        let fired = try Self.firings("50/5 10 * * *", after: Self.date("2025-06-01 00:00"), count: 3)
        #expect(fired == ["10:50", "10:55"].map { Self.date("2025-06-01 \($0)") } + [Self.date("2025-06-02 10:50")])
    }

    @Test func monthAndDayNamesAreCaseInsensitive() throws {
        // 2025-06-02 is a Monday; weekdays MON-FRI at 07:30 in March and June only.
        let fired = try Self.firings("30 7 * mar,Jun mon-FRI", after: Self.date("2025-06-06 08:00"), count: 2)
        #expect(fired == [Self.date("2025-06-09 07:30"), Self.date("2025-06-10 07:30")])
        let march = try Self.firings("30 7 * mar,Jun mon-FRI", after: Self.date("2025-07-01 00:00"), count: 1)
        #expect(march == [Self.date("2026-03-02 07:30")])
    }

    @Test func sundayIsBothZeroAndSeven() throws {
        let zero = try Self.firings("0 12 * * 0", after: Self.date("2025-06-01 13:00"), count: 2)
        let seven = try Self.firings("0 12 * * 7", after: Self.date("2025-06-01 13:00"), count: 2)
        #expect(zero == [Self.date("2025-06-08 12:00"), Self.date("2025-06-15 12:00")])
        #expect(seven == zero)
    }

    @Test func restrictedDayOfMonthAndDayOfWeekMatchEitherAsInVixieCron() throws {
        // The 13th, or any Friday: June 2025 has Fridays 6, 13, 20, 27.
        let either = try Self.firings("0 0 13 * FRI", after: Self.date("2025-06-01 00:00"), count: 4)
        #expect(either == ["06", "13", "20", "27"].map { Self.date("2025-06-\($0) 00:00") })
        // A day-of-week field starting with * restricts nothing, so only the 13th matches.
        let onlyThirteenth = try Self.firings("0 0 13 * */1", after: Self.date("2025-06-01 00:00"), count: 2)
        #expect(onlyThirteenth == [Self.date("2025-06-13 00:00"), Self.date("2025-07-13 00:00")])
        // With day-of-month *, both must match: Fridays only.
        let fridays = try Self.firings("0 0 * * 5", after: Self.date("2025-06-01 00:00"), count: 2)
        #expect(fridays == [Self.date("2025-06-06 00:00"), Self.date("2025-06-13 00:00")])
    }

    @Test func macrosStandForTheirFields() throws {
        let start = Self.date("2025-06-11 10:30")  // a Wednesday
        #expect(try Self.firings("@hourly", after: start, count: 1) == [Self.date("2025-06-11 11:00")])
        #expect(try Self.firings("@daily", after: start, count: 1) == [Self.date("2025-06-12 00:00")])
        #expect(try Self.firings("@midnight", after: start, count: 1) == [Self.date("2025-06-12 00:00")])
        #expect(try Self.firings("@weekly", after: start, count: 1) == [Self.date("2025-06-15 00:00")])
        #expect(try Self.firings("@monthly", after: start, count: 1) == [Self.date("2025-07-01 00:00")])
        #expect(try Self.firings("@yearly", after: start, count: 1) == [Self.date("2026-01-01 00:00")])
        #expect(try Self.firings("@ANNUALLY", after: start, count: 1) == [Self.date("2026-01-01 00:00")])
    }

    @Test func leapDaysAndImpossibleDates() throws {
        #expect(try Self.firings("0 0 29 2 *", after: Self.date("2025-01-01 00:00"), count: 2) == [Self.date("2028-02-29 00:00"), Self.date("2032-02-29 00:00")])
        #expect(try CronExpression(parsing: "0 0 30 2 *").next(after: Self.date("2025-01-01 00:00"), in: Self.utc) == nil)
    }

    @Test func fieldsAreReadAsWallClockTimeInTheJobsZone() throws {
        // 03:00 in Berlin is 01:00 UTC in summer and 02:00 UTC in winter.
        let fired = try Self.firings("0 3 * * *", after: Self.date("2025-06-01 00:00"), count: 1, in: Self.berlin)
        #expect(fired == [Self.date("2025-06-01 01:00")])
        let winter = try Self.firings("0 3 * * *", after: Self.date("2025-12-01 00:00"), count: 1, in: Self.berlin)
        #expect(winter == [Self.date("2025-12-01 02:00")])
    }

    @Test func aLocalTimeSkippedByTheSpringChangeDoesNotFire() throws {
        // 2025-03-30 in Berlin: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist that day.
        let daily = try Self.firings("30 2 * * *", after: Self.date("2025-03-29 12:00", Self.berlin), count: 2, in: Self.berlin)
        #expect(daily == [Self.date("2025-03-31 02:30", Self.berlin), Self.date("2025-04-01 02:30", Self.berlin)])
        let halfHourly = try Self.firings("*/30 * * * *", after: Self.date("2025-03-30 00:00"), count: 2, in: Self.berlin)
        #expect(halfHourly == [Self.date("2025-03-30 00:30"), Self.date("2025-03-30 01:00")])  // 01:30 CET, then 03:00 CEST
    }

    @Test func aLocalTimeRepeatedByTheAutumnChangeFiresOnce() throws {
        // 2025-10-26 in Berlin: 03:00 CEST goes back to 02:00 CET, so 02:00-02:59 happen twice.
        let daily = try Self.firings("30 2 * * *", after: Self.date("2025-10-25 12:00", Self.berlin), count: 2, in: Self.berlin)
        #expect(daily == [Self.date("2025-10-26 00:30"), Self.date("2025-10-27 01:30")])
        let halfHourly = try Self.firings("*/30 * * * *", after: Self.date("2025-10-25 23:45"), count: 3, in: Self.berlin)
        #expect(halfHourly == [Self.date("2025-10-26 00:00"), Self.date("2025-10-26 00:30"), Self.date("2025-10-26 02:00")])
        // Asked from inside the repeated hour, the times already passed once are not fired again.
        let fromSecondPass = try Self.firings("*/30 * * * *", after: Self.date("2025-10-26 01:10"), count: 1, in: Self.berlin)
        #expect(fromSecondPass == [Self.date("2025-10-26 02:00")])
    }

    @Test(arguments: [
        ("0 25 * * *", 3, "hour 25 is out of range 0-23"),
        ("*/15 24 * * *", 6, "hour 24 is out of range 0-23"),
        ("60 * * * *", 1, "minute 60 is out of range 0-59"),
        ("0 0 0 * *", 5, "day of month 0 is out of range 1-31"),
        ("0 0 * 13 *", 7, "month 13 is out of range 1-12"),
        ("0 0 * * 8", 9, "day of week 8 is out of range 0-7"),
        ("0 0 * FOO *", 7, "month 'FOO' is not a number or a month name"),
        ("0 0 * * MON-XYZ", 13, "day of week 'XYZ' is not a number or a day name"),
        ("x * * * *", 1, "minute 'x' is not a number"),
        ("30-10 * * * *", 1, "minute range 30-10 goes backwards"),
        ("*/0 * * * *", 3, "minute step 0 is out of range 1-59"),
        ("*/a * * * *", 3, "minute step 'a' is not a number"),
        ("1,,2 * * * *", 3, "empty item in the minute list"),
        ("0 1,2,99 * * *", 7, "hour 99 is out of range 0-23"),
        ("0 0 * *", 8, "expected 5 fields (minute hour day-of-month month day-of-week), found 4"),
        ("0 0 * * * 2025", 11, "expected 5 fields (minute hour day-of-month month day-of-week), found 6"),
        ("", 1, "empty cron expression; expected 5 fields: minute hour day-of-month month day-of-week"),
        ("@daily 5", 8, "@daily stands alone; nothing may follow it"),
    ])
    func mistakesNameTheirColumn(text: String, column: Int, message: String) {
        #expect(throws: CronError(column: column, message: message)) { try CronExpression(parsing: text) }
    }

    @Test func unknownMacrosListTheKnownOnes() {
        #expect { try CronExpression(parsing: "@reboot") } throws: { error in
            let cron = error as? CronError
            return cron?.column == 1 && cron?.message.hasPrefix("unknown macro @reboot; expected one of @annually, @daily") == true
        }
        #expect(CronError(column: 3, message: "hour 25 is out of range 0-23").description == "column 3: hour 25 is out of range 0-23")
    }
}
