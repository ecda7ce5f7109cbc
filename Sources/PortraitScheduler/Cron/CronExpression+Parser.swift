extension CronExpression {
    /// The `@` macros and the five fields each stands for.
    static let macros: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Parses `text`; a mistake is reported with the 1-based column of the token at fault.
    public init(parsing text: String) throws(CronError) {
        let tokens = Self.tokens(of: text)
        guard let first = tokens.first else {
            throw CronError(column: 1, message: "empty cron expression; expected 5 fields: minute hour day-of-month month day-of-week")
        }
        if first.text.hasPrefix("@") {
            guard let expansion = Self.macros[first.text.lowercased()] else {
                throw CronError(column: first.column, message: "unknown macro \(first.text); expected one of \(Self.macros.keys.sorted().joined(separator: ", "))")
            }
            if tokens.count > 1 { throw CronError(column: tokens[1].column, message: "\(first.text) stands alone; nothing may follow it") }
            try self.init(fields: Self.tokens(of: expansion).map { Token(text: $0.text, column: first.column) }, source: text)
            return
        }
        if tokens.count < 5 {
            let end = text.count + 1
            throw CronError(column: end, message: "expected 5 fields (minute hour day-of-month month day-of-week), found \(tokens.count)")
        }
        if tokens.count > 5 {
            throw CronError(column: tokens[5].column, message: "expected 5 fields (minute hour day-of-month month day-of-week), found \(tokens.count)")
        }
        try self.init(fields: tokens, source: text)
    }

    private init(fields: [Token], source: String) throws(CronError) {
        var sets: [CronValues] = []
        for (field, token) in zip(CronField.allCases, fields) {
            sets.append(try Self.parseField(token, field))
        }
        var weekdays = sets[4]
        if weekdays.contains(7) { weekdays.insert(0) }
        weekdays.bits &= ~(UInt64(1) << 7)
        self.init(
            source: source, minutes: sets[0], hours: sets[1], daysOfMonth: sets[2], months: sets[3], daysOfWeek: weekdays,
            dayOfMonthIsStar: fields[2].text.hasPrefix("*"), dayOfWeekIsStar: fields[4].text.hasPrefix("*"))
    }

    /// A run of non-blank characters and the 1-based column where it starts.
    struct Token {
        var text: String
        var column: Int
    }

    static func tokens(of text: String) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var start = 0
        for (offset, character) in text.enumerated() {
            if character == " " || character == "\t" {
                if !current.isEmpty { tokens.append(Token(text: current, column: start + 1)); current = "" }
            } else {
                if current.isEmpty { start = offset }
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(Token(text: current, column: start + 1)) }
        return tokens
    }

    /// One field: comma-separated items, each `*`, `N`, `N-M`, optionally followed by `/STEP`.
    static func parseField(_ token: Token, _ field: CronField) throws(CronError) -> CronValues {
        var values = CronValues()
        var column = token.column
        for item in token.text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw CronError(column: column, message: "empty item in the \(field.name) list") }
            try parseItem(Substring(item), column: column, field, into: &values)
            column += item.count + 1
        }
        return values
    }

    private static func parseItem(_ item: Substring, column: Int, _ field: CronField, into values: inout CronValues) throws(CronError) {
        var rangePart = item
        var step = 1
        if let slash = item.firstIndex(of: "/") {
            rangePart = item[..<slash]
            let stepText = item[item.index(after: slash)...]
            let stepColumn = column + item.distance(from: item.startIndex, to: slash) + 1
            guard let parsed = Int(stepText), !stepText.isEmpty, stepText.allSatisfy(\.isNumber) else {
                throw CronError(column: stepColumn, message: "\(field.name) step '\(stepText)' is not a number")
            }
            guard parsed >= 1, parsed <= field.range.upperBound else {
                throw CronError(column: stepColumn, message: "\(field.name) step \(parsed) is out of range 1-\(field.range.upperBound)")
            }
            step = parsed
        }
        let bounds: ClosedRange<Int>
        if rangePart == "*" {
            bounds = field.range
        } else if let dash = rangePart.firstIndex(of: "-") {
            let low = try value(rangePart[..<dash], column: column, field)
            let highColumn = column + rangePart.distance(from: rangePart.startIndex, to: dash) + 1
            let high = try value(rangePart[rangePart.index(after: dash)...], column: highColumn, field)
            guard low <= high else {
                throw CronError(column: column, message: "\(field.name) range \(low)-\(high) goes backwards")
            }
            bounds = low...high
        } else {
            let single = try value(rangePart, column: column, field)
            // `N/STEP` means from N to the end of the field, as in cronie.
            bounds = step > 1 || item.contains("/") ? single...field.range.upperBound : single...single
        }
        for value in stride(from: bounds.lowerBound, through: bounds.upperBound, by: step) { values.insert(value) }
    }

    private static func value(_ text: Substring, column: Int, _ field: CronField) throws(CronError) -> Int {
        if let named = field.names[text.uppercased()] { return named }
        guard !text.isEmpty, text.allSatisfy(\.isNumber), let number = Int(text) else {
            let expected = field.names.isEmpty ? "a number" : "a number or a \(field == .month ? "month" : "day") name"
            throw CronError(column: column, message: "\(field.name) '\(text)' is not \(expected)")
        }
        guard field.range.contains(number) else {
            throw CronError(column: column, message: "\(field.name) \(number) is out of range \(field.range.lowerBound)-\(field.range.upperBound)")
        }
        return number
    }
}
