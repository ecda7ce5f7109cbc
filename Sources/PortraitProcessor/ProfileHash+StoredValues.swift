import PortraitCore
import Redis
import TagLang

extension ProfileHash {
    /// What a reader of a format-6 blob takes its values from: `HMGET` of the user's metrics and
    /// tags sections (a format-6 blob is only ever written beside a sectioned hash).
    public static func valueSectionsCommand(_ userId: String) -> [any RedisArgument] {
        ["HMGET", ProfileKeys.profile(userId), Section.metrics.field, Section.tags.field]
    }

    /// The metric values and tags a profile hash holds, typed as the definitions type them:
    /// what a state blob of format 6 on leaves to the hash (``ProfileStateCodec``), read back
    /// into the state a processor loads, so its next write is the difference from what Redis
    /// holds.
    ///
    /// The hash keeps text. A boolean tag is `true`/`false`, an enumerated one its string; a
    /// metric's aggregation says whether it is a number or a time (`first_seen`, `last_seen`);
    /// a `last_value`, or a name no active definition has, is read as what its text looks like
    /// (a boolean, a number, else a string). Metric values are compared by their stored text
    /// (``ProfileWrite``), so such a guess never shows as a change.
    public struct StoredValueTypes: Sendable {
        private let aggregations: [String: MetricAggregation]
        private let tagKinds: [String: TagDefinition.Kind]

        public init(_ definitions: DefinitionSet?) {
            var aggregations: [String: MetricAggregation] = [:]
            var tagKinds: [String: TagDefinition.Kind] = [:]
            for metric in definitions?.metrics ?? [] { aggregations[metric.name] = metric.aggregation }
            for tag in definitions?.tags ?? [] { tagKinds[tag.name] = tag.kind }
            self.aggregations = aggregations
            self.tagKinds = tagKinds
        }

        /// A stored state as its readers take it: decoded from its blob, with the metric values
        /// and tags of the hash's sections (the reply of ``ProfileHash/valueSectionsCommand(_:)``)
        /// when the blob leaves them out. `keys`: the state keys the blob refers to, if any
        /// (``ProfileStateCodec/stateKeysFingerprint(_:)``).
        public func state(blob: [UInt8], sections: [[UInt8]?], userId: String, keys: StateKeys?) throws -> ProfileState {
            var state = try ProfileStateCodec.decode(blob, userId: userId, keys: keys)
            if !ProfileStateCodec.holdsValues(blob) {
                state.metricValues = table(sections.first ?? nil, typed: metric)
                state.tags = table(sections.dropFirst().first ?? nil, typed: tag)
            }
            return state
        }

        /// One section's entries as a table; a section that is not a JSON object of strings
        /// (nothing Portrait wrote) gives nothing, as ``ProfileHash/flatFields(_:)`` leaves it out.
        private func table(_ section: [UInt8]?, typed type: (String, String) -> Value) -> NamedValues {
            guard let section, let entries = ProfileHash.orderedEntries(section) else { return [:] }
            var table = NamedValues()
            table.reserveCapacity(entries.count)
            for (name, text) in entries {
                let value = type(name, text)
                if !table.appendInOrder(name, value) { table[name] = value }
            }
            return table
        }

        func metric(_ name: String, _ text: String) -> Value {
            switch aggregations[name] {
            case .count, .sum, .min, .max, .avg, .distinct: Double(text).map(Value.number) ?? .string(text)
            case .firstSeen, .lastSeen: Int64(text).map(Value.timestamp) ?? .string(text)
            case .lastValue, nil: Self.inferred(text)
            }
        }

        func tag(_ name: String, _ text: String) -> Value {
            switch tagKinds[name] {
            case .boolean: .bool(text == "true")
            case .enumerated: .string(text)
            case nil: Self.inferred(text)
            }
        }

        private static func inferred(_ text: String) -> Value {
            if text == "true" || text == "false" { return .bool(text == "true") }
            if let number = Double(text), number.isFinite { return .number(number) }
            return .string(text)
        }
    }

    /// A section's entries in the order written (name order, as ``writeSection(_:to:)`` writes
    /// them); `nil` when it is not a JSON object of strings. Read straight from the bytes
    /// (``scanSection(_:allowingSpaces:_:)``) when no string has an escape, else through the
    /// JSON parser: a load reads two sections per user, and the generic parse into a dictionary
    /// was most of a reload's time.
    static func orderedEntries(_ bytes: [UInt8]) -> [(name: String, text: String)]? {
        guard !bytes.contains(UInt8(ascii: "\\")) else {
            return sectionEntries(String(decoding: bytes, as: UTF8.self)).map { $0.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
        }
        var entries: [(name: String, text: String)] = []
        let read = bytes.withUnsafeBufferPointer { json in
            scanSection(json, allowingSpaces: true) { name, text in
                entries.append((String(decoding: name, as: UTF8.self), String(decoding: text, as: UTF8.self)))
            }
        }
        return read ? entries : nil
    }
}
