import PortraitCore
import TagLang

/// The entries of a user's behaviour lists (`ev:`, `th:`, `mh:` in ``ProfileKeys``), as compact
/// JSON text written in the same transaction as the profile, so a replay never repeats one:
///
/// - event: `{"t":<event ms>,"f":{<fields>}}`
/// - tag change: `{"t":<profile clock ms>,"tag":"vip","from":false,"to":true,"v":3}`
/// - metric values: `{"t":<profile clock ms>,"m":{"orders_30d":4}}` (only the metrics that changed)
public enum BehaviourRecord {
    /// Newest entries kept per list.
    public static let eventLimit = 100
    public static let tagChangeLimit = 200
    public static let metricHistoryLimit = 200

    static func event(_ event: ProfileEvent) -> String {
        var json = "{\"t\":\(event.timestampMs),\"f\":"
        appendObject(event.fields, to: &json)
        json += "}"
        return json
    }

    static func tagChange(tag: String, from: Value?, to: Value?, version: Int?, timeMs: Int64) -> String {
        var json = "{\"t\":\(timeMs),\"tag\":"
        appendString(tag, to: &json)
        json += ",\"from\":"
        append(from ?? .null, to: &json)
        json += ",\"to\":"
        append(to ?? .null, to: &json)
        json += ",\"v\":" + (version.map(String.init) ?? "null") + "}"
        return json
    }

    static func metricValues(_ values: [String: Value], timeMs: Int64) -> String {
        var json = "{\"t\":\(timeMs),\"m\":"
        appendObject(values, to: &json)
        json += "}"
        return json
    }

    private static func appendObject(_ fields: [String: Value], to json: inout String) {
        json += "{"
        for (index, name) in fields.keys.sorted().enumerated() {
            if index > 0 { json += "," }
            appendString(name, to: &json)
            json += ":"
            append(fields[name]!, to: &json)
        }
        json += "}"
    }

    /// Times and durations as epoch/elapsed milliseconds, numbers as stored in profiles.
    private static func append(_ value: Value, to json: inout String) {
        switch value {
        case .null: json += "null"
        case .bool(let flag): json += flag ? "true" : "false"
        case .number(let number) where !number.isFinite: json += "null"
        case .number, .timestamp, .duration: json += value.storedText ?? "null"
        case .string(let text): appendString(text, to: &json)
        case .list(let items):
            json += "["
            for (index, item) in items.enumerated() {
                if index > 0 { json += "," }
                append(item, to: &json)
            }
            json += "]"
        }
    }

    private static func appendString(_ text: String, to json: inout String) {
        json += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": json += "\\\""
            case "\\": json += "\\\\"
            case "\n": json += "\\n"
            case "\r": json += "\\r"
            case "\t": json += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                json += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: json.unicodeScalars.append(scalar)
            }
        }
        json += "\""
    }
}
