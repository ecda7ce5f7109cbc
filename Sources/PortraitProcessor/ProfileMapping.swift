import TagLang

/// How business tables and event topics become profile inputs (`config/profiles.yaml`):
/// profile tables give attributes, event tables and event topics give events.
public struct ProfileMapping: Sendable, Equatable {
    /// One attribute read from a profile-table column.
    public struct Attribute: Sendable, Equatable {
        public var name: String
        public var column: String
        public var type: ValueType
    }

    /// A table whose rows describe users (`shop.users`): each row is one user's attributes.
    public struct ProfileTable: Sendable, Equatable {
        public var table: String
        public var userIdColumn: String
        public var attributes: [Attribute]
    }

    /// A table whose row changes are behaviour events (`shop.orders` inserts are purchases).
    public struct EventTable: Sendable, Equatable {
        public var table: String
        public var userIdColumn: String
        /// The event's `type` field.
        public var eventType: String
        /// The column holding event time; `nil` uses the commit time.
        public var timeColumn: String?
        /// Which row operations are events (`c`, `u`, `d`, `r`); default inserts and snapshot reads.
        public var operations: Set<String>
        /// Event field ← column.
        public var fields: [String: String]
    }

    public var profileTables: [ProfileTable] = []
    public var eventTables: [EventTable] = []
    /// Topic suffixes (under the topic prefix) carrying behaviour events as JSON. Default: `events`.
    public var eventTopics: [String] = ["events"]

    public init() {}

    /// Every attribute with its type: the schema tags are checked against.
    public var attributeTypes: [String: ValueType] {
        var types: [String: ValueType] = [:]
        for table in profileTables { for attribute in table.attributes { types[attribute.name] = attribute.type } }
        return types
    }

    /// Value types the mapping accepts, by their names in YAML.
    static let typeNames: [String: ValueType] = ["string": .string, "number": .number, "timestamp": .timestamp, "boolean": .bool]
}
