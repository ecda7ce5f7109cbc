import MySQL

/// A minimal, allocation-conscious JSON writer into a byte buffer: the envelope encoder's hot
/// path, much faster than building dictionaries for JSONSerialization.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = []

    init(capacity: Int = 512) { bytes.reserveCapacity(capacity) }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        needsComma.removeAll(keepingCapacity: true)
    }

    mutating func beginObject() { separator(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    mutating func endObject() { bytes.append(UInt8(ascii: "}")); needsComma.removeLast() }
    mutating func beginArray() { separator(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    mutating func endArray() { bytes.append(UInt8(ascii: "]")); needsComma.removeLast() }

    /// Writes a key already encoded as `"name":` (see `encodedKey`); the next value belongs to it.
    mutating func encodedKey(_ bytes: [UInt8]) {
        separator()
        bytes.withUnsafeBufferPointer { self.bytes.append(contentsOf: $0) }
        if !needsComma.isEmpty { needsComma[needsComma.count - 1] = false }
    }

    /// `"name":` with `name` escaped, for `encodedKey`.
    static func encodeKey(_ name: String) -> [UInt8] {
        var writer = JSONWriter(capacity: name.utf8.count + 4)
        writer.writeQuoted(name)
        writer.bytes.append(UInt8(ascii: ":"))
        return writer.bytes
    }

    /// Writes `"name":`; the value written next belongs to it.
    mutating func key(_ name: String) {
        separator()
        writeQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        if !needsComma.isEmpty { needsComma[needsComma.count - 1] = false }
    }

    mutating func string(_ text: String) { separator(); writeQuoted(text) }
    mutating func null() { separator(); bytes.append(contentsOf: "null".utf8) }
    mutating func int(_ value: Int64) { separator(); appendDecimal(value) }
    mutating func uint(_ value: UInt64) { separator(); appendDigits(value) }

    mutating func double(_ value: Double) {
        separator()
        if value.isFinite { bytes.append(contentsOf: value.description.utf8) } else { bytes.append(contentsOf: "null".utf8) }
    }

    /// A column value: numbers as JSON numbers, DECIMAL and temporal values as strings (exact
    /// text), binary values as base64 strings.
    mutating func value(_ value: MySQLValue) {
        switch value {
        case .null: null()
        case .int(let number): int(number)
        case .uint(let number): uint(number)
        case .double(let number): double(number)
        case .decimal(let text), .string(let text): string(text)
        case .bytes(let data):
            separator()
            bytes.append(UInt8(ascii: "\""))
            data.withUnsafeBytes { Base64.append($0, into: &bytes) }
            bytes.append(UInt8(ascii: "\""))
        case .date(let date):
            separator()
            bytes.append(UInt8(ascii: "\""))
            appendDate(date)
            bytes.append(UInt8(ascii: "\""))
        case .time(let time):
            separator()
            bytes.append(UInt8(ascii: "\""))
            if time.negative { bytes.append(UInt8(ascii: "-")) }
            appendClock(hours: time.hours, minutes: time.minutes, seconds: time.seconds, microseconds: time.microseconds)
            bytes.append(UInt8(ascii: "\""))
        case .datetime(let datetime):
            separator()
            bytes.append(UInt8(ascii: "\""))
            appendDate(datetime.date)
            bytes.append(UInt8(ascii: " "))
            appendClock(hours: datetime.hour, minutes: datetime.minute, seconds: datetime.second, microseconds: datetime.microsecond)
            bytes.append(UInt8(ascii: "\""))
        }
    }

    /// `YYYY-MM-DD`, as `MySQLDate.description` prints it, without building a String.
    private mutating func appendDate(_ date: MySQLDate) {
        appendPadded(date.year, width: 4)
        bytes.append(UInt8(ascii: "-"))
        appendPadded(date.month, width: 2)
        bytes.append(UInt8(ascii: "-"))
        appendPadded(date.day, width: 2)
    }

    /// `HH:MM:SS[.ffffff]`, as `MySQLTime`/`MySQLDateTime` print it.
    private mutating func appendClock(hours: Int, minutes: Int, seconds: Int, microseconds: Int) {
        appendPadded(hours, width: 2)
        bytes.append(UInt8(ascii: ":"))
        appendPadded(minutes, width: 2)
        bytes.append(UInt8(ascii: ":"))
        appendPadded(seconds, width: 2)
        if microseconds != 0 {
            bytes.append(UInt8(ascii: "."))
            appendPadded(microseconds, width: 6)
        }
    }

    /// A non-negative number with at least `width` digits (zero-padded).
    private mutating func appendPadded(_ value: Int, width: Int) {
        let magnitude = UInt64(value.magnitude)
        var digits = 1
        var limit: UInt64 = 10
        while digits < 20 && magnitude >= limit { digits += 1; limit = limit &* 10 }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        for _ in digits..<max(width, digits) { bytes.append(UInt8(ascii: "0")) }
        appendDigits(magnitude)
    }

    /// The decimal digits of `value`, written without an intermediate String.
    private mutating func appendDigits(_ value: UInt64) {
        TextFormatting.appendDigits(value, into: &bytes)
    }

    private mutating func separator() {
        guard let last = needsComma.last else { return }
        if last { bytes.append(UInt8(ascii: ",")) } else { needsComma[needsComma.count - 1] = true }
    }

    fileprivate mutating func writeQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { JSONEscaping.appendEscaped(UnsafeRawBufferPointer($0), into: &bytes) }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendDecimal(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDigits(value.magnitude)
    }
}
