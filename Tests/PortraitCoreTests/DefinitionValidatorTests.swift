import PortraitCore
import TagLang
import Testing

@Suite struct DefinitionValidatorTests {
    let validator = DefinitionValidator(attributes: ["city": .string, "age": .number])
    let purchases = MetricDefinition(name: "purchases_7d", filter: "event.type == 'purchase'", aggregation: .count, window: try! MetricWindow(parsing: "7d"), status: .active)
    let lastPurchase = MetricDefinition(name: "last_purchase_at", filter: "event.type == 'purchase'", aggregation: .lastSeen, window: .lifetime, status: .active)

    @Test func acceptsWellFormedDefinitions() throws {
        try validator.validate(purchases)
        try validator.validate(MetricDefinition(name: "spend_30d", filter: "event.type == 'purchase' and event.amount > 0", aggregation: .sum, field: "amount", window: try MetricWindow(parsing: "30d")))
        try validator.validate(
            TagDefinition(name: "lapsed_buyer", expression: "metric.purchases_7d == 0 and days_since(metric.last_purchase_at) > 30"),
            metrics: [purchases, lastPurchase], tags: [])
        try validator.validate(
            TagDefinition(name: "city_tier", categoryPath: "geo/tier", kind: .enumerated,
                          expression: "case when attr.city in ['Paris'] then '1' else '2' end"),
            metrics: [], tags: [])
    }

    @Test func filterErrorsCarryTheirPosition() {
        let bad = MetricDefinition(name: "m", filter: "event.type == 'purchase' and\n  event.amont > 3", aggregation: .count, window: .lifetime)
        #expect { try validator.validate(bad) } throws: { error in
            guard let error = error as? DefinitionError else { return false }
            return error.field == "filter" && error.location?.line == 2 && error.location?.column == 3 && error.message.contains("event.amont")
        }
    }

    @Test(arguments: [
        (MetricDefinition(name: "Bad-Name", aggregation: .count, window: .lifetime), "name"),
        (MetricDefinition(name: "m", aggregation: .sum, window: .lifetime), "field"),
        (MetricDefinition(name: "m", aggregation: .sum, field: "category", window: .lifetime), "field"),
        (MetricDefinition(name: "m", aggregation: .max, field: "nope", window: .lifetime), "field"),
        (MetricDefinition(name: "m", filter: "event.amount + 1", aggregation: .count, window: .lifetime), "filter"),
    ])
    func rejectsBadMetrics(metric: MetricDefinition, field: String) {
        #expect { try validator.validate(metric) } throws: { error in (error as? DefinitionError)?.field == field }
    }

    @Test func tagsMayOnlyReadLiveMetricsAndNeverThemselves() {
        var retired = purchases
        retired.status = .retired
        #expect { try validator.validate(TagDefinition(name: "t", expression: "metric.purchases_7d > 1"), metrics: [retired], tags: []) } throws: { error in
            (error as? DefinitionError)?.message.contains("unknown metric.purchases_7d") == true
        }
        let selfish = TagDefinition(name: "loop", expression: "tag.loop")
        #expect(throws: DefinitionError.self) { try validator.validate(selfish, metrics: [], tags: [selfish]) }
    }

    @Test func tagKindMustMatchTheExpressionType() {
        #expect { try validator.validate(TagDefinition(name: "t", kind: .boolean, expression: "attr.city"), metrics: [], tags: []) } throws: { error in
            (error as? DefinitionError)?.message.contains("boolean tag needs a boolean") == true
        }
        #expect(throws: DefinitionError.self) { try validator.validate(TagDefinition(name: "t", kind: .enumerated, expression: "attr.age > 3"), metrics: [], tags: []) }
    }

    @Test func windowsParseWithNaturalBuckets() throws {
        #expect(try MetricWindow(parsing: "1h") == .sliding(lengthMs: 3_600_000, bucketMs: 300_000))
        #expect(try MetricWindow(parsing: "1d") == .sliding(lengthMs: 86_400_000, bucketMs: 3_600_000))
        #expect(try MetricWindow(parsing: "30d") == .sliding(lengthMs: 30 * 86_400_000, bucketMs: 86_400_000))
        #expect(try MetricWindow(parsing: "lifetime") == .lifetime)
        #expect(try MetricWindow(parsing: "90d").description == "90d")
        #expect(throws: DefinitionError.self) { try MetricWindow(parsing: "7x") }
        #expect(throws: DefinitionError.self) { try MetricWindow(parsing: "0d") }
    }
}
