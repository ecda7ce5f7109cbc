/// A metric: a windowed aggregation over the events that match a filter, per user.
public struct MetricDefinition: Codable, Sendable, Equatable {
    public var name: String
    /// TagLang over `event.*`; `true` takes every event.
    public var filter: String
    public var aggregation: MetricAggregation
    /// The event field aggregated (required unless the aggregation counts or dates events).
    public var field: String?
    public var window: MetricWindow
    public var description: String?
    public var owner: String?
    public var status: DefinitionStatus

    public init(
        name: String, filter: String = "true", aggregation: MetricAggregation, field: String? = nil, window: MetricWindow,
        description: String? = nil, owner: String? = nil, status: DefinitionStatus = .draft
    ) {
        self.name = name
        self.filter = filter
        self.aggregation = aggregation
        self.field = field
        self.window = window
        self.description = description
        self.owner = owner
        self.status = status
    }

    enum CodingKeys: String, CodingKey { case name, filter, aggregation, field, window, description, owner, status }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        filter = try container.decodeIfPresent(String.self, forKey: .filter) ?? "true"
        aggregation = try container.decodeChoice(MetricAggregation.self, forKey: .aggregation)
        field = try container.decodeIfPresent(String.self, forKey: .field)
        window = try container.decode(MetricWindow.self, forKey: .window)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        owner = try container.decodeIfPresent(String.self, forKey: .owner)
        status = try container.decodeChoiceIfPresent(DefinitionStatus.self, forKey: .status) ?? .draft
    }
}
