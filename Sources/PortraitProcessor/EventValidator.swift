import JSON
import PortraitCore
import TagLang

/// The one definition of a valid behaviour event, shared by the API's `POST /v1/events` (which
/// refuses with a 400 what this refuses) and the processor's decoder (which dead-letters it).
/// Both read the event from the same JSON bytes the same way, so an accepted event can no
/// longer be dead-lettered later.
///
/// Rules (docs/PROFILES.md, "Events"): `user_id` a non-empty string or integer of at most
/// `maxUserIdBytes` UTF-8 bytes; `type` a non-empty string; `ts` epoch milliseconds or ISO 8601
/// UTC within `ProfileEvaluator.supportedTimes` (1970…2200); optional `event_id` a non-empty
/// string of at most `maxEventIdBytes`; declared event fields of their declared type.
public struct EventValidator: Sendable {
    /// Longest user id, in UTF-8 bytes. Ids are Redis keys and Kafka keys: unbounded ids would
    /// let one request inflate every structure they enter.
    public static let maxUserIdBytes = 256
    /// Longest `event_id`, in UTF-8 bytes (a UUID is 36).
    public static let maxEventIdBytes = 128

    /// What is wrong with an event; `field` is nil when the event as a whole is wrong.
    public struct Problem: Error, Sendable, Equatable {
        public let field: String?
        public let reason: String

        /// One line for a dead letter: `missing user_id`, `ts must be …`, `field amount must be …`.
        public var text: String {
            guard let field else { return reason }
            if reason == "missing" { return "missing \(field)" }
            return EventValidator.hasOwnRule(field) ? "\(field) \(reason)" : "field \(field) \(reason)"
        }
    }

    public let eventFieldTypes: [String: ValueType]

    public init(eventFieldTypes: [String: ValueType]) {
        self.eventFieldTypes = eventFieldTypes
    }

    /// Parses the event's JSON bytes as the processor does, then checks it.
    public func validate(bytes: [UInt8]) -> Result<ProfileEvent, Problem> {
        if let members = bytes.withUnsafeBufferPointer(JSONValue.sortedMembers) { return validate(sortedMembers: members) }
        guard case .object(let document)? = JSONValue(jsonBytes: bytes) else { return .failure(Problem(field: nil, reason: "must be a JSON object")) }
        return validate(document)
    }

    /// Checks a parsed event document and builds the profile event.
    public func validate(_ document: [String: JSONValue]) -> Result<ProfileEvent, Problem> {
        validate(sortedMembers: document.map { ($0.key, $0.value) }.sorted { $0.name < $1.name })
    }

    /// Checks an event's members, in name order with no name twice, and builds the event.
    func validate(sortedMembers members: [(name: String, value: JSONValue)]) -> Result<ProfileEvent, Problem> {
        func member(_ name: String) -> JSONValue? {  // a handful of members: a scan beats hashing
            members.first { $0.name == name }?.value
        }
        let userId: String
        switch member("user_id") {
        case nil, .null?: return .failure(Problem(field: "user_id", reason: "missing"))
        case .string(let text)?: userId = text
        case let other?:
            guard let number = JSONValueConversion.wholeNumber(other) else {
                return .failure(Problem(field: "user_id", reason: "must be a non-empty string or an integer, got \(JSONValueConversion.describe(other))"))
            }
            userId = String(number)
        }
        guard !userId.isEmpty else { return .failure(Problem(field: "user_id", reason: "missing")) }
        guard userId.utf8.count <= Self.maxUserIdBytes else {
            return .failure(Problem(field: "user_id", reason: "is \(userId.utf8.count) bytes; the limit is \(Self.maxUserIdBytes) bytes (UTF-8)"))
        }
        let ts = member("ts")
        guard case .timestamp(let ms)? = JSONValueConversion.value(ts, as: .timestamp), ProfileEvaluator.supportedTimes.contains(ms) else {
            return .failure(Problem(field: "ts", reason: "must be epoch milliseconds or an ISO 8601 UTC time (2026-01-01T00:00:00Z) between 1970 and 2200, got \(JSONValueConversion.describe(ts))"))
        }
        let rawType = member("type")
        guard case .string(let type)? = rawType, !type.isEmpty else {
            let absent = switch rawType { case nil, .null?, .string?: true; default: false }  // a string here is empty
            return .failure(Problem(field: "type", reason: absent ? "missing" : "must be a non-empty string"))
        }
        let eventId = member(EventIdentity.field)
        if let problem = Self.eventIdProblem(eventId) { return .failure(problem) }
        var fields: [(name: String, value: Value)] = [("ts", .timestamp(ms)), ("type", .string(type)), ("user_id", .string(userId))]
        // Carried for EventDeduplication; no filter reads it.
        if case .string(let id)? = eventId { fields.append((EventIdentity.field, .string(id))) }
        // In name order, so the first field refused is the first by name, as always.
        for (name, raw) in members where !Self.hasOwnRule(name) {
            guard let fieldType = eventFieldTypes[name] else { continue }  // unknown fields are not read by any filter
            guard let value = JSONValueConversion.value(raw, as: fieldType) else {
                return .failure(Problem(field: name, reason: "must be a \(fieldType), got \(JSONValueConversion.describe(raw))"))
            }
            if value != .null { fields.append((name, value)) }
        }
        fields.sort { $0.name < $1.name }
        return .success(ProfileEvent(userId: userId, timestampMs: ms, fields: NamedValues(sortedNames: fields.map(\.name), values: fields.map(\.value))))
    }

    /// The members every event has a rule of its own for, not their declared types.
    static func hasOwnRule(_ name: String) -> Bool {
        name == "user_id" || name == "type" || name == "ts" || name == EventIdentity.field
    }

    private static func eventIdProblem(_ raw: JSONValue?) -> Problem? {
        guard let raw, raw != .null else { return nil }
        guard case .string(let text) = raw, !text.isEmpty else {
            return Problem(field: EventIdentity.field, reason: "must be a non-empty string, got \(JSONValueConversion.describe(raw))")
        }
        guard text.utf8.count <= maxEventIdBytes else {
            return Problem(field: EventIdentity.field, reason: "is \(text.utf8.count) bytes; the limit is \(maxEventIdBytes) bytes (UTF-8)")
        }
        return nil
    }
}
