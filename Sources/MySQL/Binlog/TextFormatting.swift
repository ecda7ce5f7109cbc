/// Numbers, dates and times written as text straight into a byte buffer, as the `MySQLValue`
/// descriptions print them (zero-padded fields, microseconds only when not zero). Public for
/// the envelope's JSON writer, which writes its numbers with the same digits.
public enum TextFormatting {
    /// The decimal digits of `value`.
    @inlinable
    public static func appendDigits(_ value: UInt64, into output: inout [UInt8]) {
        if value < 10 { output.append(UInt8(ascii: "0") + UInt8(value)); return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            var rest = value
            var index = 20
            while rest > 0 {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index..<20]))
        }
    }

    /// `"YYYY-MM-DD"`.
    static func appendQuoted(_ date: MySQLDate, into output: inout [UInt8]) {
        write(into: &output) { text, count in
            field(date, into: text, at: &count)
        }
    }

    /// `"[-]HH:MM:SS[.ffffff]"`.
    static func appendQuoted(_ time: MySQLTime, into output: inout [UInt8]) {
        write(into: &output) { text, count in
            if time.negative { text[count] = UInt8(ascii: "-"); count += 1 }
            clock(time.hours, time.minutes, time.seconds, time.microseconds, into: text, at: &count)
        }
    }

    /// `"YYYY-MM-DD HH:MM:SS[.ffffff]"`.
    static func appendQuoted(_ datetime: MySQLDateTime, into output: inout [UInt8]) {
        write(into: &output) { text, count in
            field(datetime.date, into: text, at: &count)
            text[count] = UInt8(ascii: " "); count += 1
            clock(datetime.hour, datetime.minute, datetime.second, datetime.microsecond, into: text, at: &count)
        }
    }

    /// Builds a quoted value of at most 190 bytes on the stack and copies it out once.
    @inline(__always)
    private static func write(into output: inout [UInt8], _ body: (UnsafeMutableBufferPointer<UInt8>, inout Int) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 192) { text in
            text[0] = UInt8(ascii: "\"")
            var count = 1
            body(text, &count)
            text[count] = UInt8(ascii: "\""); count += 1
            output.append(contentsOf: UnsafeBufferPointer(rebasing: text[0..<count]))
        }
    }

    private static func field(_ date: MySQLDate, into text: UnsafeMutableBufferPointer<UInt8>, at count: inout Int) {
        padded(date.year, width: 4, into: text, at: &count)
        text[count] = UInt8(ascii: "-"); count += 1
        padded(date.month, width: 2, into: text, at: &count)
        text[count] = UInt8(ascii: "-"); count += 1
        padded(date.day, width: 2, into: text, at: &count)
    }

    private static func clock(_ hours: Int, _ minutes: Int, _ seconds: Int, _ microseconds: Int, into text: UnsafeMutableBufferPointer<UInt8>, at count: inout Int) {
        padded(hours, width: 2, into: text, at: &count)
        text[count] = UInt8(ascii: ":"); count += 1
        padded(minutes, width: 2, into: text, at: &count)
        text[count] = UInt8(ascii: ":"); count += 1
        padded(seconds, width: 2, into: text, at: &count)
        if microseconds != 0 {
            text[count] = UInt8(ascii: "."); count += 1
            padded(microseconds, width: 6, into: text, at: &count)
        }
    }

    /// `value` with at least `width` digits, zero-padded after any minus sign.
    private static func padded(_ value: Int, width: Int, into text: UnsafeMutableBufferPointer<UInt8>, at count: inout Int) {
        var magnitude = UInt64(value.magnitude)
        var digits = 1
        var limit: UInt64 = 10
        while digits < 20 && magnitude >= limit { digits += 1; limit = limit &* 10 }
        if value < 0 { text[count] = UInt8(ascii: "-"); count += 1 }
        let total = max(width, digits)
        var index = count + total
        for _ in 0..<total {
            index -= 1
            text[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        }
        count += total
    }
}
