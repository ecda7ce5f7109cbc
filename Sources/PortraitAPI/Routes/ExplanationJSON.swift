import JSON
import TagLang

extension JSONValue {
    /// A TagLang value as JSON: times and durations as epoch/length milliseconds.
    init(_ value: Value) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let number):
            self = number == number.rounded() && abs(number) < 9e15 ? .integer(Int64(number)) : .number(number)
        case .string(let text): self = .string(text)
        case .timestamp(let ms), .duration(let ms): self = .integer(ms)
        case .list(let items): self = .array(items.map(JSONValue.init))
        }
    }

    /// `{"text","value","children"}`: each sub-expression as written, with its value.
    init(_ explanation: Explanation) {
        self = .object([
            "text": .string(explanation.text), "value": JSONValue(explanation.value),
            "children": .array(explanation.children.map(JSONValue.init)),
        ])
    }
}
