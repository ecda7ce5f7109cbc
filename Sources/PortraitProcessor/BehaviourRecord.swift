import JSON
import PortraitCore
import Redis
import TagLang

/// The entries of a user's behaviour lists (`ev:`, `th:`, `mh:` in ``ProfileKeys``), as compact
/// JSON text written in the same transaction as the profile, so a replay never repeats one:
///
/// - event: `{"t":<event ms>,"f":{<fields>}}`
/// - tag changes, all of one write in one entry, in tag name order:
///   `{"t":<profile clock ms>,"c":[["tier","basic","gold",3],["vip",false,true,2]]}` (tag, from,
///   to, definition version). Until 2026-12-07 each change was an entry of its own,
///   `{"t":…,"tag":"vip","from":false,"to":true,"v":3}`; readers take both. A write changes ~6
///   tags at once in the benchmarks, and the per-change entry repeated the time and the keys:
///   62 bytes a change against ~20.
/// - metric values: `{"t":<profile clock ms>,"m":{"orders_30d":4}}` (only the metrics that changed)
///
/// Written as bytes straight into the flush's command buffer (``RESPCommands``).
public enum BehaviourRecord {
    /// Newest entries kept per list.
    public static let eventLimit = 100
    public static let tagChangeLimit = 200
    public static let metricHistoryLimit = 200

    static func write(event: ProfileEvent, to json: inout [UInt8]) {
        json.append(contentsOf: #"{"t":"#.utf8)
        writeInteger(event.timestampMs, to: &json)
        json.append(contentsOf: #","f":"#.utf8)
        writeObject(event.fields, to: &json)  // in name order, as every run writes it
        json.append(UInt8(ascii: "}"))
    }

    static func write(tagChanges: [TagChange], timeMs: Int64, to json: inout [UInt8]) {
        json.append(contentsOf: #"{"t":"#.utf8)
        writeInteger(timeMs, to: &json)
        json.append(contentsOf: #","c":["#.utf8)
        for (index, change) in tagChanges.enumerated() {
            json.append(contentsOf: index == 0 ? "[".utf8 : ",[".utf8)
            JSONValue.writeString(change.tag, to: &json)
            json.append(UInt8(ascii: ","))
            write(change.from ?? .null, to: &json)
            json.append(UInt8(ascii: ","))
            write(change.to ?? .null, to: &json)
            json.append(UInt8(ascii: ","))
            if let version = change.version { writeInteger(Int64(version), to: &json) } else { json.append(contentsOf: "null".utf8) }
            json.append(UInt8(ascii: "]"))
        }
        json.append(contentsOf: "]}".utf8)
    }

    /// The tag changes of one entry of the tag history, newest first as the list reads (within
    /// a write, the last-named tag first, as when each change was an entry): `(time, tag, from,
    /// to, version)`. Both entry forms; an entry of neither gives nothing.
    public static func tagChanges(inEntry entry: [String: JSONValue]) -> [(timeMs: JSONValue, tag: JSONValue, from: JSONValue, to: JSONValue, version: JSONValue)] {
        let time = entry["t"] ?? .null
        guard case .array(let changes)? = entry["c"] else {
            guard let tag = entry["tag"] else { return [] }
            return [(time, tag, entry["from"] ?? .null, entry["to"] ?? .null, entry["v"] ?? .null)]
        }
        return changes.reversed().compactMap { change in
            guard case .array(let parts) = change, parts.count == 4 else { return nil }
            return (time, parts[0], parts[1], parts[2], parts[3])
        }
    }

    static func write(metricValues: NamedValues, timeMs: Int64, to json: inout [UInt8]) {
        json.append(contentsOf: #"{"t":"#.utf8)
        writeInteger(timeMs, to: &json)
        json.append(contentsOf: #","m":"#.utf8)
        writeObject(metricValues, to: &json)
        json.append(UInt8(ascii: "}"))
    }

    private static func writeObject(_ fields: NamedValues, to json: inout [UInt8]) {
        json.append(UInt8(ascii: "{"))
        for (index, field) in fields.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            JSONValue.writeString(field.name, to: &json)
            json.append(UInt8(ascii: ":"))
            write(field.value, to: &json)
        }
        json.append(UInt8(ascii: "}"))
    }

    /// Times and durations as epoch/elapsed milliseconds, numbers as stored in profiles.
    private static func write(_ value: Value, to json: inout [UInt8]) {
        switch value {
        case .null: json.append(contentsOf: "null".utf8)
        case .bool(let flag): json.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number) where !number.isFinite: json.append(contentsOf: "null".utf8)
        case .number, .timestamp, .duration: json.append(contentsOf: (value.storedText ?? "null").utf8)
        case .string(let text): JSONValue.writeString(text, to: &json)
        case .list(let items):
            json.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { json.append(UInt8(ascii: ",")) }
                write(item, to: &json)
            }
            json.append(UInt8(ascii: "]"))
        }
    }

    private static func writeInteger(_ value: Int64, to json: inout [UInt8]) {
        DecimalDigits.append(value, to: &json)  // no `String` per number
    }
}

/// One tag's value changing in a profile write (an entry of the tag history).
struct TagChange {
    var tag: String
    var from: Value?
    var to: Value?
    var version: Int?
}
