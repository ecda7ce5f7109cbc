import PortraitCore
import PortraitMetadata

/// The example metrics and tags the demo installs, each restored to its example on every run.
enum DemoDefinitions {
    static let metrics: [MetricDefinition] = [
        MetricDefinition(name: "orders_30d", filter: #"event.type == "purchase""#, aggregation: .count, window: .sliding(lengthMs: 30 * day, bucketMs: day),
                         description: "Orders in the last 30 days", owner: "demo", status: .active),
        MetricDefinition(name: "spend_30d", filter: #"event.type == "purchase""#, aggregation: .sum, field: "amount",
                         window: .sliding(lengthMs: 30 * day, bucketMs: day), description: "Money spent in the last 30 days", owner: "demo", status: .active),
        MetricDefinition(name: "views_1d", filter: #"event.type == "view""#, aggregation: .count, window: .sliding(lengthMs: day, bucketMs: hour),
                         description: "Page views in the last day", owner: "demo", status: .active),
        MetricDefinition(name: "categories_30d", filter: #"event.type in ["purchase", "cart"]"#, aggregation: .distinct, field: "category",
                         window: .sliding(lengthMs: 30 * day, bucketMs: day), description: "Categories bought or carted", owner: "demo", status: .active),
        MetricDefinition(name: "last_order", filter: #"event.type == "purchase""#, aggregation: .lastSeen, window: .lifetime,
                         description: "When the user last ordered", owner: "demo", status: .active),
    ]

    static let tags: [TagDefinition] = [
        TagDefinition(name: "high_value", categoryPath: "commerce/value", expression: "metric.spend_30d > 500",
                      description: "Spent more than 500 in 30 days", owner: "demo", status: .active),
        TagDefinition(name: "frequent_buyer", categoryPath: "commerce/loyalty", expression: "metric.orders_30d >= 3",
                      description: "Three or more orders in 30 days", owner: "demo", status: .active),
        TagDefinition(name: "window_shopper", categoryPath: "behaviour", expression: "metric.views_1d >= 5 and metric.orders_30d == 0",
                      description: "Looks a lot, never buys", owner: "demo", status: .active),
        TagDefinition(name: "churn_risk", categoryPath: "commerce/loyalty", expression: "days_since(metric.last_order) > 14",
                      description: "No order for two weeks (flips with time alone)", owner: "demo", status: .active),
        TagDefinition(name: "value_tier", categoryPath: "commerce/value", kind: .enumerated,
                      expression: #"case when metric.spend_30d > 500 then "gold" when metric.spend_30d > 100 then "silver" else "bronze" end"#,
                      description: "Spend tier", owner: "demo", status: .active),
        TagDefinition(name: "city_tier", categoryPath: "geo", kind: .enumerated,
                      expression: #"case when attr.city in ["Beijing", "Shanghai", "Shenzhen"] then "1" when attr.city in ["Hangzhou", "Chengdu", "Wuhan"] then "2" else "3" end"#,
                      description: "City tier", owner: "demo", status: .active),
    ]

    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    /// Makes every example definition current, active and at its example expression: creates
    /// the missing ones and stores a new version of any that was retired or changed, so the demo
    /// shows the same tags whatever the store held. Other definitions are left alone.
    /// Returns how many versions were written.
    static func install(store: DefinitionStore, validator: DefinitionValidator) throws -> Int {
        var written = 0
        for metric in metrics {
            try validator.validate(metric)
            written += try put(metric, store: store)
        }
        for tag in tags {
            try validator.validate(tag, metrics: metrics, tags: tags)
            written += try put(tag, store: store)
        }
        return written
    }

    /// Creates `definition` or stores it as the next version when the current one differs.
    private static func put<D: StorableDefinition & Equatable>(_ definition: D, store: DefinitionStore) throws -> Int {
        guard let current = try store.current(D.self, named: definition.name) else {
            _ = try store.create(definition, author: "demo")
            return 1
        }
        guard current.definition != definition else { return 0 }
        _ = try store.update(definition, author: "demo", note: "the demo restores its example")
        return 1
    }
}
