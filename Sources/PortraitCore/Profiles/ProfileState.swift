import TagLang

/// Everything the processor keeps about one user: attributes, metric buckets, the values last
/// written, the source offsets already applied (the fence) and the user's event-time clock.
public struct ProfileState: Sendable, Equatable {
    public var userId: String
    /// Dense integer id for segment bitmaps; assigned once by the store.
    public var denseId: Int64?
    /// The event time the profile was last evaluated at; never goes back.
    public var clockMs: Int64 = .min
    public var attributes = NamedValues()
    /// Metric buckets by `CompiledMetric.stateKey`.
    public var metricStates = NamedTable<MetricState>()
    public var metricValues = NamedValues()
    public var tags = NamedValues()
    /// Model outputs by profile field: `model.<name>.score|cluster` and `model.<name>.version`.
    public var modelOutputs = NamedValues()
    /// Per source partition (`topic/partition`), the last offset folded in: a replayed message
    /// at or below it is skipped, which makes a replay after a crash change nothing.
    public var fences: [String: Int64] = [:]
    /// When time alone next changes a value (a bucket leaving a window, a `days_since` tag).
    public var nextTimerMs: Int64?
    /// Event ids already folded, so a client's retry is not counted twice (`RecentEventIds`).
    public var recentEventIds = RecentEventIds()

    public init(userId: String) {
        self.userId = userId
    }

    /// Whether the message at `offset` of `source` is new to this profile; records it if so.
    public mutating func admit(source: String, offset: Int64) -> Bool {
        func admit(_ fence: inout Int64?) -> Bool {  // in place: one hash of the source, not two
            if let fence, offset <= fence { return false }
            fence = offset
            return true
        }
        return admit(&fences[source])
    }

    /// The profile as stored in the Redis hash: `a.<attribute>`, `m.<metric>`, `t.<tag>`,
    /// `model.<name>.…`, values rendered as text (`.null` is absent).
    public var fields: [String: String] {
        var fields: [String: String] = [:]
        fields.reserveCapacity(attributes.count + metricValues.count + tags.count + modelOutputs.count)
        for (name, value) in attributes { if let text = value.storedText { fields["a." + name] = text } }
        for (name, value) in metricValues { if let text = value.storedText { fields["m." + name] = text } }
        for (name, value) in tags { if let text = value.storedText { fields["t." + name] = text } }
        for (name, value) in modelOutputs { if let text = value.storedText { fields[name] = text } }
        return fields
    }

    /// One field of ``fields`` without building them all (what a model reads per profile).
    public func field(_ name: String) -> String? {
        let value: Value?
        if name.hasPrefix("m.") { value = metricValues[String(name.dropFirst(2))] }
        else if name.hasPrefix("a.") { value = attributes[String(name.dropFirst(2))] }
        else if name.hasPrefix("t.") { value = tags[String(name.dropFirst(2))] }
        else { value = modelOutputs[name] }
        return value?.storedText
    }
}

extension Value {
    /// How a value is written into a profile hash: numbers without a needless `.0`, times as
    /// epoch milliseconds, strings raw; `nil` for null. (The processor's `ProfileHash` writes
    /// booleans and integers as the same bytes without a `String`; a test compares them.)
    public var storedText: String? {
        switch self {
        case .null: nil
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number):
            number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .string(let text): text
        case .timestamp(let ms), .duration(let ms): String(ms)
        case .list(let items): "[" + items.compactMap(\.storedText).joined(separator: ",") + "]"
        }
    }
}
