import TagLang

/// A mistake in `config/profiles.yaml`, naming the key.
public struct ProfileMappingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var key: String
    public var problem: String
    public var description: String { "\(file): \(key): \(problem)" }

    public init(file: String, key: String, problem: String) {
        self.file = file
        self.key = key
        self.problem = problem
    }
}

extension ProfileMapping {
    /// Reads a parsed YAML document (mappings as `[String: Any]`, sequences as `[Any]`).
    /// Unknown keys and values of the wrong shape are errors naming the key.
    public init(document: Any?, file: String) throws(ProfileMappingError) {
        self.init()
        guard let document else { return }
        func fail(_ key: String, _ problem: String) -> ProfileMappingError { ProfileMappingError(file: file, key: key, problem: problem) }
        guard let root = document as? [String: Any] else { throw fail("(root)", "must be a mapping of profile_tables, event_tables, event_topics") }
        for key in root.keys.sorted() where !["profile_tables", "event_tables", "event_topics"].contains(key) {
            throw fail(key, "unknown key; expected profile_tables, event_tables or event_topics")
        }
        if let value = root["profile_tables"] {
            guard let tables = value as? [String: Any] else { throw fail("profile_tables", "must be a mapping of DB.TABLE to {user_id, attributes}") }
            for name in tables.keys.sorted() {
                let key = "profile_tables.\(name)"
                guard Self.isTableName(name) else { throw fail(key, "must name one table as DB.TABLE") }
                guard let entry = tables[name] as? [String: Any] else { throw fail(key, "must be a mapping with user_id and attributes") }
                try Self.onlyKeys(entry, ["user_id", "attributes"], key: key, fail: fail)
                let userId = try Self.column(entry["user_id"], key: "\(key).user_id", fail: fail)
                guard let attributes = entry["attributes"] as? [String: Any], !attributes.isEmpty else {
                    throw fail("\(key).attributes", "must map attribute names to a type (string, number, timestamp, boolean) or {column, type}")
                }
                var mapped: [Attribute] = []
                for attribute in attributes.keys.sorted() {
                    let attributeKey = "\(key).attributes.\(attribute)"
                    guard Self.isName(attribute) else { throw fail(attributeKey, "attribute names are lowercase letters, digits and '_'") }
                    var column = attribute
                    var typeName = attributes[attribute] as? String
                    if let spec = attributes[attribute] as? [String: Any] {
                        try Self.onlyKeys(spec, ["column", "type"], key: attributeKey, fail: fail)
                        column = try Self.column(spec["column"] ?? attribute, key: "\(attributeKey).column", fail: fail)
                        typeName = spec["type"] as? String
                    }
                    guard let typeName, let type = Self.typeNames[typeName] else {
                        throw fail(attributeKey, "type must be one of \(Self.typeNames.keys.sorted().joined(separator: ", "))")
                    }
                    mapped.append(Attribute(name: attribute, column: column, type: type))
                }
                profileTables.append(ProfileTable(table: name, userIdColumn: userId, attributes: mapped))
            }
        }
        if let value = root["event_tables"] {
            guard let tables = value as? [String: Any] else { throw fail("event_tables", "must be a mapping of DB.TABLE to {user_id, type, time, ops, fields}") }
            for name in tables.keys.sorted() {
                let key = "event_tables.\(name)"
                guard Self.isTableName(name) else { throw fail(key, "must name one table as DB.TABLE") }
                guard let entry = tables[name] as? [String: Any] else { throw fail(key, "must be a mapping with user_id and type") }
                try Self.onlyKeys(entry, ["user_id", "type", "time", "ops", "fields"], key: key, fail: fail)
                let userId = try Self.column(entry["user_id"], key: "\(key).user_id", fail: fail)
                guard let type = entry["type"] as? String, !type.isEmpty else { throw fail("\(key).type", "must be the event type, e.g. purchase") }
                let time = try entry["time"].map { value throws(ProfileMappingError) in try Self.column(value, key: "\(key).time", fail: fail) }
                var operations: Set<String> = ["c", "r"]
                if let value = entry["ops"] {
                    guard let list = value as? [Any], !list.isEmpty,
                          list.allSatisfy({ ["c", "u", "d", "r"].contains($0 as? String ?? "") }) else {
                        throw fail("\(key).ops", "must be a list of c, u, d, r")
                    }
                    operations = Set(list.compactMap { $0 as? String })
                }
                var fields: [String: String] = [:]
                if let value = entry["fields"] {
                    guard let map = value as? [String: Any] else { throw fail("\(key).fields", "must map event fields to columns") }
                    for field in map.keys.sorted() {
                        fields[field] = try Self.column(map[field], key: "\(key).fields.\(field)", fail: fail)
                    }
                }
                eventTables.append(EventTable(table: name, userIdColumn: userId, eventType: type, timeColumn: time, operations: operations, fields: fields))
            }
        }
        if let value = root["event_topics"] {
            guard let list = value as? [Any], list.allSatisfy({ ($0 as? String).map(Self.isTopicSuffix) ?? false }) else {
                throw fail("event_topics", "must be a list of topic names under the topic prefix, e.g. [events]")
            }
            eventTopics = list.compactMap { $0 as? String }
        }
    }

    private static func onlyKeys(_ entry: [String: Any], _ allowed: Set<String>, key: String, fail: (String, String) -> ProfileMappingError) throws(ProfileMappingError) {
        for name in entry.keys.sorted() where !allowed.contains(name) {
            throw fail("\(key).\(name)", "unknown key; expected one of \(allowed.sorted().joined(separator: ", "))")
        }
    }

    private static func column(_ value: Any?, key: String, fail: (String, String) -> ProfileMappingError) throws(ProfileMappingError) -> String {
        guard let column = value as? String, !column.isEmpty, column.utf8.count <= 64 else { throw fail(key, "must be a column name") }
        return column
    }

    static func isTableName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && !$0.contains("*") }
    }

    static func isName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    static func isTopicSuffix(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 200
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
    }
}
