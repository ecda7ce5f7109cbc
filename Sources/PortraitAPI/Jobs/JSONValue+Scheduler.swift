import PortraitScheduler

extension JSONValue {
    /// A job's params, result or recorded versions as the API's JSON: the scheduler keeps its
    /// own JSON type, converted here at the boundary.
    init(_ value: PortraitScheduler.JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let integer): self = .integer(integer)
        case .double(let number): self = .number(number)
        case .string(let text): self = .string(text)
        case .array(let items): self = .array(items.map(JSONValue.init))
        case .object(let members): self = .object(members.mapValues(JSONValue.init))
        }
    }
}
