import Foundation
import MySQL

/// The primary key of the last snapshot row Kafka acknowledged, stored as `last_pk` in
/// `cdc_snapshot_progress` so an interrupted snapshot resumes after it. Stored as a JSON array
/// of `[tag, text]` pairs (`i` int, `u` unsigned, `f` double, `d` decimal, `s` string or
/// temporal text, `x` hex bytes), so every value binds back exactly — no double rounding of a
/// DECIMAL, no charset guess for a binary key.
public struct SnapshotKey: Sendable, Equatable {
    public var values: [MySQLValue]

    public init(_ values: [MySQLValue]) { self.values = values }

    /// The `last_pk` JSON text.
    public var json: String {
        var writer = JSONWriter(capacity: 64)
        writer.beginArray()
        for value in values {
            let (tag, text): (String, String) = switch value {
            case .int(let number): ("i", String(number))
            case .uint(let number): ("u", String(number))
            case .double(let number): ("f", "\(number)")
            case .decimal(let digits): ("d", digits)
            case .bytes(let bytes): ("x", bytes.map { String($0, radix: 16).leftPadded(2) }.joined())
            case .null: ("n", "")
            case .string, .date, .time, .datetime: ("s", value.description)
            }
            writer.beginArray()
            writer.string(tag)
            writer.string(text)
            writer.endArray()
        }
        writer.endArray()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Parses `json` written by `json`; `nil` when it is not in that shape.
    public init?(json: String) {
        guard let pairs = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String]] else { return nil }
        var values: [MySQLValue] = []
        for pair in pairs {
            guard pair.count == 2 else { return nil }
            let text = pair[1]
            switch pair[0] {
            case "i": guard let number = Int64(text) else { return nil }; values.append(.int(number))
            case "u": guard let number = UInt64(text) else { return nil }; values.append(.uint(number))
            case "f": guard let number = Double(text) else { return nil }; values.append(.double(number))
            case "d": values.append(.decimal(text))
            case "s": values.append(.string(text))
            case "n": values.append(.null)
            case "x":
                var bytes: [UInt8] = []
                var index = text.startIndex
                while index < text.endIndex, let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex), let byte = UInt8(text[index..<next], radix: 16) {
                    bytes.append(byte)
                    index = next
                }
                guard index == text.endIndex else { return nil }
                values.append(.bytes(bytes))
            default: return nil
            }
        }
        self.values = values
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
