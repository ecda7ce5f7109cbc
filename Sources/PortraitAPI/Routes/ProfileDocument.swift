import Foundation
import JSON

/// A stored profile hash as the API shows it: `a.*` attributes, `m.*` metrics, `t.*` tags,
/// `_updated` as an ISO 8601 time. Fences (`f.*`) and other internal fields never appear.
struct ProfileDocument {
    enum Section: String, CaseIterable {
        case attributes, metrics, tags

        var fieldPrefix: String {
            switch self {
            case .attributes: "a."
            case .metrics: "m."
            case .tags: "t."
            }
        }
    }

    /// Parses `?fields=attributes,tags`; all sections when absent.
    static func sections(_ text: String?) throws -> [Section] {
        guard let text else { return Section.allCases }
        var sections: [Section] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let section = Section(rawValue: name) else {
                throw APIError.badRequest("fields takes attributes, metrics and tags separated by commas; got '\(name)'", field: "fields")
            }
            if !sections.contains(section) { sections.append(section) }
        }
        return sections
    }

    /// `{"user_id","attributes","metrics","tags","updated_at"}` for the sections asked.
    static func json(userId: String, fields: [String: String], sections: [Section]) -> JSONValue {
        var document: [String: JSONValue] = ["user_id": .string(userId)]
        for section in sections {
            var values: [String: JSONValue] = [:]
            for (field, text) in fields where field.hasPrefix(section.fieldPrefix) {
                values[String(field.dropFirst(2))] = JSONValue.parsing(stored: text, booleans: section == .tags)
            }
            document[section.rawValue] = .object(values)
        }
        document["updated_at"] = fields["_updated"].flatMap(Int64.init).map { .string(iso8601(milliseconds: $0)) } ?? .null
        return .object(document)
    }

    /// `2026-01-01T00:00:00.000Z`, in UTC, by integer arithmetic: an `ISO8601DateFormatter`
    /// built per call took a third of a profile read's CPU (perf, Benchmarks/README.md).
    static func iso8601(milliseconds: Int64) -> String {
        let (seconds, millisecond) = floorDivision(milliseconds, 1_000)
        let (days, secondOfDay) = floorDivision(seconds, 86_400)
        let (year, month, day) = civilDate(daysSince1970: days)
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

    /// The proleptic Gregorian date of a day count (H. Hinnant's `civil_from_days`).
    private static func civilDate(daysSince1970 days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
