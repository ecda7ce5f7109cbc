extension IngestRoutingConfiguration {
    /// The keys a routing file may hold at its top level.
    static let topLevelKeys: Set<String> = ["name", "server_id", "topic_prefix", "include", "exclude", "tables"]
    /// The keys of one `tables.<db.table>` entry.
    static let tableKeys: Set<String> = ["key", "topic"]

    /// Reads a parsed YAML document (mappings as `[String: Any]`, sequences as `[Any]`,
    /// scalars as `String`/`Int`); `nil` (an empty file) is the empty configuration. Unknown
    /// keys and values of the wrong shape are errors naming the key.
    public init(document: Any?, file: String) throws(IngestRoutingError) {
        self.init()
        guard let document else { return }
        func fail(_ key: String, _ problem: String) -> IngestRoutingError { IngestRoutingError(file: file, key: key, problem: problem) }
        guard let root = Self.mapping(document) else { throw fail("(root)", "must be a mapping of name, server_id, topic_prefix, include, exclude, tables") }
        for key in root.keys.sorted() where !Self.topLevelKeys.contains(key) {
            throw fail(key, "unknown key; expected one of \(Self.topLevelKeys.sorted().joined(separator: ", "))")
        }
        if let value = root["name"] {
            guard let name = value as? String, Self.isValidName(name) else {
                throw fail("name", "must be 1–128 letters, digits, '.', '_' or '-', got \(value)")
            }
            ingestName = name
        }
        if let value = root["server_id"] {
            guard let number = value as? Int, (1...Int(UInt32.max)).contains(number) else {
                throw fail("server_id", "must be an integer from 1 to \(UInt32.max), different from every other replica, got \(value)")
            }
            serverId = UInt32(number)
        }
        if let value = root["topic_prefix"] {
            guard let prefix = value as? String, Self.isValidTopic(prefix) else {
                throw fail("topic_prefix", "must be letters, digits, '.', '_' or '-', got \(value)")
            }
            topicPrefix = prefix
        }
        includes = try Self.patterns(root["include"], key: "include", fail: fail)
        excludes = try Self.patterns(root["exclude"], key: "exclude", fail: fail)
        if let value = root["tables"] {
            guard let tables = Self.mapping(value) else { throw fail("tables", "must be a mapping of DB.TABLE to {key, topic}") }
            for name in tables.keys.sorted() {
                let parts = name.split(separator: ".", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !name.contains("*") else {
                    throw fail("tables.\(name)", "must name one table as DB.TABLE (no wildcards)")
                }
                guard let entry = Self.mapping(tables[name]) else { throw fail("tables.\(name)", "must be a mapping with `key` and/or `topic`") }
                for key in entry.keys.sorted() where !Self.tableKeys.contains(key) {
                    throw fail("tables.\(name).\(key)", "unknown key; expected key or topic")
                }
                if let value = entry["key"] {
                    guard let column = value as? String, !column.isEmpty, column.utf8.count <= 64 else {
                        throw fail("tables.\(name).key", "must be a column name (the user-id column), got \(value)")
                    }
                    keyColumns[name] = column
                }
                if let value = entry["topic"] {
                    guard let topic = value as? String, Self.isValidTopic(topic) else {
                        throw fail("tables.\(name).topic", "must be a Kafka topic name (letters, digits, '.', '_' or '-', at most 249), got \(value)")
                    }
                    topics[name] = topic
                }
            }
        }
    }

    private static func patterns(_ value: Any?, key: String, fail: (String, String) -> IngestRoutingError) throws(IngestRoutingError) -> [String] {
        guard let value else { return [] }
        guard let list = value as? [Any] else { throw fail(key, "must be a list of DB.TABLE patterns (`*` wildcards)") }
        var patterns: [String] = []
        for (index, item) in list.enumerated() {
            guard let pattern = item as? String, pattern.contains("."), !pattern.hasPrefix("."), !pattern.hasSuffix(".") else {
                throw fail("\(key)[\(index)]", "must be a DB.TABLE pattern (`*` wildcards), got \(item)")
            }
            patterns.append(pattern)
        }
        return patterns
    }

    /// A mapping with string keys, from either dictionary shape a YAML reader produces.
    private static func mapping(_ value: Any?) -> [String: Any]? {
        if let mapping = value as? [String: Any] { return mapping }
        guard let mapping = value as? [AnyHashable: Any] else { return nil }
        var result: [String: Any] = [:]
        for (key, value) in mapping {
            guard let name = key.base as? String else { return nil }
            result[name] = value
        }
        return result
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 128 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    static func isValidTopic(_ topic: String) -> Bool {
        !topic.isEmpty && topic.utf8.count <= 249 && topic.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }
}
