import PortraitCore
import PortraitProcessor
import TagLang

/// A checked `POST /v1/events` body: every event valid, or a list of what is wrong with which
/// (so nothing of a bad batch is produced). The checks mirror what the processor reads.
struct EventBatch {
    /// Most events one request may carry.
    static let limit = 1_000

    /// Kafka key (the user id) and value (the event's JSON) per event, in order.
    var messages: [(key: [UInt8], value: [UInt8])]

    init(_ body: JSONValue, eventFields: [String: ValueType] = DefinitionValidator.standardEventFields) throws {
        let top = try RequestBody.checkedObject(body, allowed: ["events"], required: ["events"], path: nil)
        guard let events = top["events"]?.array else { throw APIError.badRequest("events must be an array of event objects", field: "events") }
        guard events.count <= Self.limit else {
            throw APIError(.badRequest, code: "too_many_events", "at most \(Self.limit) events per request, got \(events.count)", field: "events")
        }
        var problems: [(field: String, reason: String)] = []
        var messages: [(key: [UInt8], value: [UInt8])] = []
        for (index, event) in events.enumerated() {
            switch Self.check(event, eventFields: eventFields) {
            case .success(let userId): messages.append((Array(userId.utf8), event.bytes))
            case .failure(let problem): problems.append(("events[\(index)]\(problem.field.map { ".\($0)" } ?? "")", problem.reason))
            }
        }
        guard problems.isEmpty else {
            let listed = problems.prefix(20).map { "\($0.field): \($0.reason)" }.joined(separator: "; ")
            let more = problems.count > 20 ? "; and \(problems.count - 20) more" : ""
            throw APIError(.badRequest, code: "invalid_events", "\(problems.count) invalid event(s), none accepted: \(listed)\(more)", field: problems[0].field)
        }
        self.messages = messages
    }

    struct Problem: Error {
        var field: String?
        var reason: String
    }

    /// The event's user id as the Kafka key, or what is wrong with it.
    static func check(_ event: JSONValue, eventFields: [String: ValueType]) -> Result<String, Problem> {
        guard let fields = event.object else { return .failure(Problem(reason: "must be an object, got \(event.kindName)")) }
        let userId: String
        switch fields["user_id"] {
        case .string(let text)? where !text.isEmpty: userId = text
        case let value? where value.integer != nil: userId = String(value.integer ?? 0)
        case nil: return .failure(Problem(field: "user_id", reason: "missing"))
        case let other?: return .failure(Problem(field: "user_id", reason: "must be a non-empty string or an integer, got \(other.kindName)"))
        }
        guard case .string(let type)? = fields["type"], !type.isEmpty else {
            return .failure(Problem(field: "type", reason: "must be a non-empty string"))
        }
        switch fields["ts"] {
        case .integer?: break
        case .number(let number)? where number == number.rounded() && abs(number) < 9e15: break
        case .string(let text)? where TimestampText.epochMilliseconds(text) != nil: break
        default: return .failure(Problem(field: "ts", reason: "must be epoch milliseconds or an ISO 8601 UTC time (2026-01-01T00:00:00Z)"))
        }
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) where !["user_id", "type", "ts"].contains(name) && value != .null {
            guard let type = eventFields[name] else { continue }  // other fields travel along; no filter reads them
            switch (type, value) {
            case (.string, .string), (.number, .integer), (.number, .number): continue
            case (.timestamp, .integer): continue
            case (.timestamp, .string(let text)) where TimestampText.epochMilliseconds(text) != nil: continue
            default: return .failure(Problem(field: name, reason: "must be a \(type), got \(value.kindName)"))
            }
        }
        return .success(userId)
    }
}
