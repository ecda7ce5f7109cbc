/// The span a metric covers: a sliding window kept as time buckets, or the user's whole history.
public enum MetricWindow: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The last `lengthMs`, kept in buckets of `bucketMs` (the window slides by one bucket).
    case sliding(lengthMs: Int64, bucketMs: Int64)
    case lifetime

    private static let units: [Character: Int64] = ["m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000]

    /// Parses `lifetime` or a length such as `1h`, `1d`, `7d`, `30d`, `90d`; the bucket is a
    /// sixtieth-ish of the length rounded to a natural unit (5m for hours, 1h for a day,
    /// 1d beyond), so a window costs at most ~100 buckets per user.
    public init(parsing text: String) throws(DefinitionError) {
        let trimmed = text.trimmingWhitespace()
        if trimmed == "lifetime" { self = .lifetime; return }
        guard let unitCharacter = trimmed.last, let unit = Self.units[unitCharacter],
              let amount = Int64(trimmed.dropLast()), amount > 0 else {
            throw DefinitionError(field: "window", message: "expected a length like 1h, 1d, 7d, 30d, 90d or `lifetime`, got '\(text)'")
        }
        let length = amount * unit
        guard length <= 400 * 86_400_000 else { throw DefinitionError(field: "window", message: "windows longer than 400d must be `lifetime`") }
        let natural: Int64 = length <= 6 * 3_600_000 ? 300_000 : (length <= 2 * 86_400_000 ? 3_600_000 : 86_400_000)
        // The bucket must divide the length, or the oldest bucket would leave between timers.
        let bucket: Int64 = [86_400_000, 3_600_000, 300_000, 60_000].first { $0 <= natural && length % $0 == 0 } ?? 60_000
        self = .sliding(lengthMs: length, bucketMs: bucket)
    }

    public var description: String {
        switch self {
        case .lifetime: return "lifetime"
        case .sliding(let length, _):
            for (suffix, unit) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000)] where length % unit == 0 {
                return "\(length / unit)\(suffix)"
            }
            return "\(length)ms"
        }
    }

    public init(from decoder: any Decoder) throws {
        self = try MetricWindow(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
