import JSON
import PortraitCore
import TagLang

/// Maps one Kafka message to a profile input, or says why it cannot be mapped (the message
/// then goes to the dead-letter topic). Knows the topics from the mapping: CDC topics of
/// profile and event tables, and the event topics.
public struct InputDecoder: Sendable {
    public enum Outcome: Sendable, Equatable {
        case input(ProfileInput)
        /// A valid message the mapping does not turn into anything (an event table's update
        /// when only inserts are events).
        case ignored
        case deadLetter(reason: String)
    }

    enum Route: Sendable {
        case profileTable(ProfileMapping.ProfileTable)
        case eventTable(ProfileMapping.EventTable)
        case eventTopic
    }

    let routes: [String: Route]
    let eventFieldTypes: [String: ValueType]
    let validator: EventValidator

    /// Topics this decoder understands, to subscribe to.
    public var topics: [String] { routes.keys.sorted() }

    public init(mapping: ProfileMapping, topicPrefix: String, cdcTopicPrefix: String? = nil, eventFieldTypes: [String: ValueType]) {
        let cdc = cdcTopicPrefix ?? "\(topicPrefix).cdc"
        var routes: [String: Route] = [:]
        for table in mapping.profileTables { routes["\(cdc).\(table.table)"] = .profileTable(table) }
        for table in mapping.eventTables { routes["\(cdc).\(table.table)"] = .eventTable(table) }
        for topic in mapping.eventTopics { routes["\(topicPrefix).\(topic)"] = .eventTopic }
        self.routes = routes
        self.eventFieldTypes = eventFieldTypes
        validator = EventValidator(eventFieldTypes: eventFieldTypes)
    }

    public func decode(topic: String, value: [UInt8]?) -> Outcome {
        guard let route = routes[topic] else { return .deadLetter(reason: "no mapping for topic \(topic)") }
        guard let value, !value.isEmpty else { return .deadLetter(reason: "empty message") }
        switch route {
        case .eventTopic: return decodeEvent(value)
        case .profileTable(let table): return decodeRow(value) { decodeProfileRow($0, table: table) }
        case .eventTable(let table): return decodeRow(value) { decodeEventRow($0, table: table) }
        }
    }

    /// A CDC message is read as a whole document (its envelope nests the row).
    private func decodeRow(_ bytes: [UInt8], _ decode: ([String: JSONValue]) -> Outcome) -> Outcome {
        guard case .object(let document)? = JSONValue(jsonBytes: bytes) else { return .deadLetter(reason: "not a JSON object") }
        return decode(document)
    }

    /// Events are checked by `EventValidator`, from the bytes, the same rules the API applies
    /// before a 202.
    private func decodeEvent(_ bytes: [UInt8]) -> Outcome {
        switch validator.validate(bytes: bytes) {
        case .success(let event): .input(.event(event))
        case .failure(let problem) where problem.field == nil: .deadLetter(reason: "not a JSON object")  // the only whole-event problem
        case .failure(let problem): .deadLetter(reason: problem.text)
        }
    }

    private func decodeProfileRow(_ document: [String: JSONValue], table: ProfileMapping.ProfileTable) -> Outcome {
        let envelope: Envelope
        switch Envelope.parse(document) {
        case .success(let parsed): envelope = parsed
        case .failure(let reason): return .deadLetter(reason: reason.text)
        }
        guard let row = envelope.row, let rawUser = row[table.userIdColumn], let userId = JSONValueConversion.text(rawUser) else {
            return .deadLetter(reason: "unmappable row of \(table.table): user id column \(table.userIdColumn) is missing or null")
        }
        var values: [String: Value] = [:]
        for attribute in table.attributes {
            if envelope.op == "d" { values[attribute.name] = .null; continue }
            guard let value = JSONValueConversion.value(row[attribute.column], as: attribute.type) else {
                return .deadLetter(reason: "column \(attribute.column) of \(table.table) is not a \(attribute.type): \(JSONValueConversion.describe(row[attribute.column]))")
            }
            values[attribute.name] = value
        }
        return .input(.attributes(AttributeChange(userId: userId, timestampMs: envelope.timestampMs, values: values)))
    }

    private func decodeEventRow(_ document: [String: JSONValue], table: ProfileMapping.EventTable) -> Outcome {
        let envelope: Envelope
        switch Envelope.parse(document) {
        case .success(let parsed): envelope = parsed
        case .failure(let reason): return .deadLetter(reason: reason.text)
        }
        guard table.operations.contains(envelope.op) else { return .ignored }
        guard let row = envelope.row, let rawUser = row[table.userIdColumn], let userId = JSONValueConversion.text(rawUser) else {
            return .deadLetter(reason: "unmappable row of \(table.table): user id column \(table.userIdColumn) is missing or null")
        }
        var timestamp = envelope.timestampMs
        if let column = table.timeColumn {
            guard case .timestamp(let ms)? = JSONValueConversion.value(row[column], as: .timestamp), ProfileEvaluator.supportedTimes.contains(ms) else {
                return .deadLetter(reason: "time column \(column) of \(table.table) is not a time: \(JSONValueConversion.describe(row[column]))")
            }
            timestamp = ms
        }
        var fields: NamedValues = ["user_id": .string(userId), "type": .string(table.eventType), "ts": .timestamp(timestamp)]
        for (field, column) in table.fields {
            let fieldType = eventFieldTypes[field] ?? .string
            guard let value = JSONValueConversion.value(row[column], as: fieldType) else {
                return .deadLetter(reason: "column \(column) of \(table.table) is not a \(fieldType) for event field \(field): \(JSONValueConversion.describe(row[column]))")
            }
            if value != .null { fields[field] = value }
        }
        return .input(.event(ProfileEvent(userId: userId, timestampMs: timestamp, fields: fields)))
    }
}

/// The parts of a CDC envelope (docs/ENVELOPE.md) the processor reads.
struct Envelope {
    struct Problem: Error { let text: String }

    var op: String
    /// `after` for inserts, updates and reads; `before` for deletes.
    var row: [String: JSONValue]?
    var timestampMs: Int64

    static func parse(_ document: [String: JSONValue]) -> Result<Envelope, Problem> {
        guard case .string(let op)? = document["op"], ["c", "u", "d", "r"].contains(op) else {
            return .failure(Problem(text: "not a CDC envelope: op must be c, u, d or r"))
        }
        guard let ts = document["ts_ms"].flatMap(JSONValueConversion.milliseconds) else {
            return .failure(Problem(text: "not a CDC envelope: ts_ms missing"))
        }
        let row = (op == "d" ? document["before"] : document["after"])?.object
        return .success(Envelope(op: op, row: row, timestampMs: ts))
    }
}
