#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Redis

/// One access log line as bytes, in the shape the process's log handler gives a `Logger` line
/// with the same metadata, so a log reader cannot tell which wrote it:
///
/// - text (swift-log's `StreamLogHandler`): `<local time> <level> <label>: hb.request.id=<id>
///   method=<m> ms=<ms> route=<r> status=<s> [PortraitAPI] request`, metadata sorted by key;
/// - JSON (`JSONLogHandler`, `JSONSerialization` with sorted keys): every value a string, `/`
///   escaped as `\/`, `ts` in UTC.
///
/// Written straight into the writer's buffer: no `Logger`, no metadata dictionary, no string
/// per field. The only string is the request id, which Hummingbird owns.
public enum AccessLogFormat: Sendable {
    case text
    case json
}

struct AccessLogFields: Sendable {
    var requestId: String?
    var method: String
    var route: String
    var status: Int
    /// The request's duration, in milliseconds.
    var milliseconds: Double
}

enum AccessLogLine {
    /// The call site module `StreamLogHandler` prints; the `Logger` lines were logged from here.
    static let source = Array(" [PortraitAPI] request\n".utf8)

    static func append(_ fields: AccessLogFields, format: AccessLogFormat, level: Logger.Level, label: [UInt8], clock: inout AccessLogClock, to out: inout [UInt8]) {
        switch format {
        case .text:
            out.append(contentsOf: clock.localStamp())
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: level.rawValue.utf8)
            if !label.isEmpty { out.append(UInt8(ascii: " ")) }
            out.append(contentsOf: label)
            out.append(UInt8(ascii: ":"))
            if let id = fields.requestId {
                out.append(contentsOf: " hb.request.id=".utf8)
                out.append(contentsOf: id.utf8)
            }
            out.append(contentsOf: " method=".utf8)
            out.append(contentsOf: fields.method.utf8)
            out.append(contentsOf: " ms=".utf8)
            appendMilliseconds(fields.milliseconds, to: &out)
            out.append(contentsOf: " route=".utf8)
            out.append(contentsOf: fields.route.utf8)
            out.append(contentsOf: " status=".utf8)
            appendInteger(fields.status, to: &out)
            out.append(contentsOf: source)
        case .json:
            out.append(UInt8(ascii: "{"))
            if let id = fields.requestId {
                out.append(contentsOf: #""hb.request.id":""#.utf8)
                appendJSONEscaped(id, to: &out)
                out.append(contentsOf: #"","#.utf8)
            }
            out.append(contentsOf: #""level":""#.utf8)
            out.append(contentsOf: level.rawValue.utf8)
            out.append(contentsOf: #"","logger":""#.utf8)
            appendJSONEscaped(label, to: &out)
            out.append(contentsOf: #"","message":"request","method":""#.utf8)
            appendJSONEscaped(fields.method, to: &out)
            out.append(contentsOf: #"","ms":""#.utf8)
            appendMilliseconds(fields.milliseconds, to: &out)
            out.append(contentsOf: #"","route":""#.utf8)
            appendJSONEscaped(fields.route, to: &out)
            out.append(contentsOf: #"","status":""#.utf8)
            appendInteger(fields.status, to: &out)
            out.append(contentsOf: #"","ts":""#.utf8)
            out.append(contentsOf: clock.utcStamp())
            out.append(contentsOf: "\"}\n".utf8)
        }
    }

    /// `"\((milliseconds * 100).rounded() / 100)"`, as the `Logger` lines wrote it, without the
    /// `Double` description: hundredths with trailing zeros dropped but one digit kept ("1.0",
    /// "0.5", "0.25"), which is that description for any value below 2^53 hundredths.
    static func appendMilliseconds(_ milliseconds: Double, to out: inout [UInt8]) {
        let hundredths = (milliseconds * 100).rounded()
        guard hundredths >= 0, hundredths < 1e15 else {
            out.append(contentsOf: "\(hundredths / 100)".utf8)
            return
        }
        let value = Int(hundredths)
        appendInteger(value / 100, to: &out)
        out.append(UInt8(ascii: "."))
        let fraction = value % 100
        out.append(UInt8(ascii: "0") + UInt8(fraction / 10))
        if fraction % 10 != 0 { out.append(UInt8(ascii: "0") + UInt8(fraction % 10)) }
    }

    static func appendInteger(_ value: Int, to out: inout [UInt8]) { DecimalDigits.append(Int64(value), to: &out) }

    /// A string as `JSONSerialization` writes it: `"`, `\` and `/` escaped, control characters
    /// as their short escapes or `\u00XX`, everything else (UTF-8 included) as it is.
    static func appendJSONEscaped<Bytes: Sequence<UInt8>>(_ bytes: Bytes, to out: inout [UInt8]) {
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "/"): out.append(contentsOf: #"\/"#.utf8)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): out.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): out.append(contentsOf: #"\t"#.utf8)
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
    }

    static func appendJSONEscaped(_ string: String, to out: inout [UInt8]) {
        appendJSONEscaped(string.utf8, to: &out)
    }
}

/// The lines' timestamps, formatted once a second (per writing thread) instead of per line:
/// local time as `StreamLogHandler` writes it (`strftime` `%Y-%m-%dT%H:%M:%S%z`), UTC as
/// `ISO8601DateFormatter`'s default (`2026-12-07T04:24:47Z`).
struct AccessLogClock {
    private var localSecond = -1
    private var local: [UInt8] = []
    private var utcSecond = -1
    private var utc: [UInt8] = []

    mutating func localStamp() -> [UInt8] {
        let now = time(nil)
        if now != localSecond {
            localSecond = now
            local = Self.format(now, "%Y-%m-%dT%H:%M:%S%z", utc: false)
        }
        return local
    }

    mutating func utcStamp() -> [UInt8] {
        let now = time(nil)
        if now != utcSecond {
            utcSecond = now
            utc = Self.format(now, "%Y-%m-%dT%H:%M:%SZ", utc: true)
        }
        return utc
    }

    private static func format(_ seconds: time_t, _ pattern: String, utc: Bool) -> [UInt8] {
        var seconds = seconds
        var parts = tm()
        if utc { gmtime_r(&seconds, &parts) } else { localtime_r(&seconds, &parts) }
        var buffer = [Int8](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, pattern, &parts)
        return buffer[..<count].map { UInt8(bitPattern: $0) }
    }
}
