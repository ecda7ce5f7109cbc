import TagLang

/// One thing that happened to a user, as the profile processor sees it after mapping a CDC
/// row or a behaviour event: new attribute values, or an event that metrics may count.
public enum ProfileInput: Sendable, Equatable {
    /// A profile-table row changed: the attributes it maps to (`.null` where the row has none).
    /// A deleted row clears them.
    case attributes(AttributeChange)
    /// A behaviour event (an `orders` insert, a page view): metrics filter and aggregate it.
    case event(ProfileEvent)

    public var userId: String {
        switch self {
        case .attributes(let change): change.userId
        case .event(let event): event.userId
        }
    }

    /// Event time in epoch milliseconds.
    public var timestampMs: Int64 {
        switch self {
        case .attributes(let change): change.timestampMs
        case .event(let event): event.timestampMs
        }
    }
}

/// New attribute values for one user from one profile-table row.
public struct AttributeChange: Sendable, Equatable {
    public var userId: String
    public var timestampMs: Int64
    public var values: [String: Value]

    public init(userId: String, timestampMs: Int64, values: [String: Value]) {
        self.userId = userId
        self.timestampMs = timestampMs
        self.values = values
    }
}

/// A behaviour event: its user, its time and its fields (`type`, `amount`, `category`…).
public struct ProfileEvent: Sendable, Equatable {
    public var userId: String
    public var timestampMs: Int64
    /// In name order, so the behaviour list records them as they are, without sorting.
    public var fields: NamedValues

    public init(userId: String, timestampMs: Int64, fields: NamedValues) {
        self.userId = userId
        self.timestampMs = timestampMs
        self.fields = fields
    }
}
