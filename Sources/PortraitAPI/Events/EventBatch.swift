import Foundation
import JSON
import PortraitCore
import PortraitProcessor
import TagLang

/// A checked `POST /v1/events` body: every event valid, or a list of what is wrong with which
/// (so nothing of a bad batch is produced). The checks are the processor's (`EventValidator`).
struct EventBatch {
    /// Most events one request may carry.
    static let limit = 1_000

    /// Kafka key (the user id) and value (the event's JSON) per event, in order.
    var messages: [(key: [UInt8], value: [UInt8])]
    /// Each event's `event_id`, in order: the client's, or one assigned here (a UUID) so that a
    /// client retrying after a 503 can re-send with the same ids.
    var eventIds: [String]

    init(_ body: JSONValue, eventFields: [String: ValueType] = DefinitionValidator.standardEventFields) throws {
        let top = try RequestBody.checkedObject(body, allowed: ["events"], required: ["events"], path: nil)
        guard let events = top["events"]?.array else { throw APIError.badRequest("events must be an array of event objects", field: "events") }
        guard events.count <= Self.limit else {
            throw APIError(.badRequest, code: "too_many_events", "at most \(Self.limit) events per request, got \(events.count)", field: "events")
        }
        var problems: [(field: String, reason: String)] = []
        var messages: [(key: [UInt8], value: [UInt8])] = []
        var eventIds: [String] = []
        for (index, event) in events.enumerated() {
            switch Self.check(event, eventFields: eventFields) {
            case .success(let userId):
                let (identified, id) = Self.identified(event)
                messages.append((Array(userId.utf8), identified.bytes))
                eventIds.append(id)
            case .failure(let problem): problems.append(("events[\(index)]\(problem.field.map { ".\($0)" } ?? "")", problem.reason))
            }
        }
        guard problems.isEmpty else {
            let listed = problems.prefix(20).map { "\($0.field): \($0.reason)" }.joined(separator: "; ")
            let more = problems.count > 20 ? "; and \(problems.count - 20) more" : ""
            throw APIError(.badRequest, code: "invalid_events", "\(problems.count) invalid event(s), none accepted: \(listed)\(more)", field: problems[0].field)
        }
        self.messages = messages
        self.eventIds = eventIds
    }

    /// The event with an `event_id`: its own (already checked), or a new UUID.
    static func identified(_ event: JSONValue) -> (JSONValue, String) {
        guard case .object(var fields) = event else { return (event, "") }
        if case .string(let id)? = fields[EventIdentity.field] { return (event, id) }
        let id = UUID().uuidString.lowercased()
        fields[EventIdentity.field] = .string(id)
        return (.object(fields), id)
    }

    struct Problem: Error {
        var field: String?
        var reason: String
    }

    /// The event's user id as the Kafka key, or what is wrong with it. `EventValidator` is the
    /// processor's own check, read from the bytes Kafka will carry, so an event accepted here is
    /// never dead-lettered by the processor.
    static func check(_ event: JSONValue, eventFields: [String: ValueType]) -> Result<String, Problem> {
        guard event.object != nil else { return .failure(Problem(reason: "must be an object, got \(event.kindName)")) }
        switch EventValidator(eventFieldTypes: eventFields).validate(bytes: event.bytes) {
        case .success(let profileEvent): return .success(profileEvent.userId)
        case .failure(let problem): return .failure(Problem(field: problem.field, reason: problem.reason))
        }
    }
}
