import PortraitCore
import TagLang

extension ProfileHash {
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

        /// The `m.` and `t.` entries of `flat` (``ProfileHash/flatFields(_:)``) as tables.
        func values(_ flat: [String: String]) -> (metrics: NamedValues, tags: NamedValues) {
            var metrics: [(String, Value)] = []
            var tags: [(String, Value)] = []
            for (field, text) in flat {
                if field.hasPrefix(Section.metrics.flatPrefix) {
                    let name = String(field.dropFirst(Section.metrics.flatPrefix.count))
                    metrics.append((name, metric(name, text)))
                } else if field.hasPrefix(Section.tags.flatPrefix) {
                    let name = String(field.dropFirst(Section.tags.flatPrefix.count))
                    tags.append((name, tag(name, text)))
                }
            }
            return (Self.table(metrics), Self.table(tags))
        }

        /// A stored state as its readers take it: decoded from its blob, with the metric values
        /// and tags of `hash` (the raw profile hash) when the blob leaves them out.
        public func state(blob: [UInt8], hash: [String: String], userId: String) throws -> ProfileState {
            var state = try ProfileStateCodec.decode(blob, userId: userId)
            if !ProfileStateCodec.holdsValues(blob) { (state.metricValues, state.tags) = values(ProfileHash.flatFields(hash)) }
            return state
        }

        private func metric(_ name: String, _ text: String) -> Value {
            switch aggregations[name] {
            case .count, .sum, .min, .max, .avg, .distinct: Double(text).map(Value.number) ?? .string(text)
            case .firstSeen, .lastSeen: Int64(text).map(Value.timestamp) ?? .string(text)
            case .lastValue, nil: Self.inferred(text)
            }
        }

        private func tag(_ name: String, _ text: String) -> Value {
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

        private static func table(_ entries: [(String, Value)]) -> NamedValues {
            var table = NamedValues()
            table.reserveCapacity(entries.count)
            for (name, value) in entries.sorted(by: { $0.0 < $1.0 }) { _ = table.appendInOrder(name, value) }
            return table
        }
    }
}
