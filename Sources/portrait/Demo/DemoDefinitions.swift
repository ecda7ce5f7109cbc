import PortraitCore
import PortraitMetadata

/// The example metrics and tags the demo installs (kept if they already exist).
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

    /// Stores the definitions that do not exist yet; returns how many were created.
    static func install(store: DefinitionStore, validator: DefinitionValidator) throws -> Int {
        var created = 0
        for metric in metrics where try store.current(MetricDefinition.self, named: metric.name) == nil {
            try validator.validate(metric)
            _ = try store.create(metric, author: "demo")
            created += 1
        }
        for tag in tags where try store.current(TagDefinition.self, named: tag.name) == nil {
            try validator.validate(tag, metrics: metrics, tags: tags)
            _ = try store.create(tag, author: "demo")
            created += 1
        }
        return created
    }
}
