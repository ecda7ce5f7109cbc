@testable import PortraitCore
import TagLang
import Testing

private let minute: Int64 = 60_000
private let hour: Int64 = 3_600_000
private let day: Int64 = 86_400_000

/// Shorthands for building definitions, definition sets and inputs.
private enum Fixture {
    static let user = "u1"

    static func metric(
        _ name: String, filter: String = "event.type == 'purchase'", _ aggregation: MetricAggregation, field: String? = nil,
        window: String, status: DefinitionStatus = .active
    ) -> MetricDefinition {
        MetricDefinition(name: name, filter: filter, aggregation: aggregation, field: field, window: try! MetricWindow(parsing: window), status: status)
    }

    static func tag(_ name: String, _ expression: String, kind: TagDefinition.Kind = .boolean, status: DefinitionStatus = .active) -> TagDefinition {
        TagDefinition(name: name, kind: kind, expression: expression, status: status)
    }

    static func set(
        _ metrics: [MetricDefinition], _ tags: [TagDefinition] = [], version: Int = 1,
        validator: DefinitionValidator = DefinitionValidator()
    ) -> DefinitionSet {
        DefinitionSet(
            metrics: metrics.map { DefinitionSet.Versioned($0, version: version) },
            tags: tags.map { DefinitionSet.Versioned($0, version: version) },
            validator: validator)
    }

    static func compiled(_ definition: MetricDefinition) -> CompiledMetric {
        try! CompiledMetric(definition, version: 1, eventFields: DefinitionValidator.standardEventFields)
    }

    static func event(_ type: String, at timestampMs: Int64, amount: Double? = nil, category: String? = nil) -> ProfileInput {
        var fields: NamedValues = ["type": .string(type), "user_id": .string(user), "ts": .timestamp(timestampMs)]
        if let amount { fields["amount"] = .number(amount) }
        if let category { fields["category"] = .string(category) }
        return .event(ProfileEvent(userId: user, timestampMs: timestampMs, fields: fields))
    }

    static func attributes(_ values: [String: Value], at timestampMs: Int64 = 0) -> ProfileInput {
        .attributes(AttributeChange(userId: user, timestampMs: timestampMs, values: values))
    }
}

// MARK: - Metric accumulators and windows

/// Everything sits under one suite so `--filter ProfileEvaluatorTests` runs it all.
@Suite struct ProfileEvaluatorTests {}

extension ProfileEvaluatorTests {
    @Suite struct Windows {
        /// Three purchases in one day, arriving out of order (the 05:00 one before the 02:15 one).
        static let base: Int64 = 10 * day
        static let events: [(time: Int64, amount: Double, category: String)] = [
            (base + 30 * minute, 1, "toys"),
            (base + 5 * hour, 4, "shoes"),
            (base + 2 * hour + 15 * minute, 12, "books"),
        ]

        static func field(of aggregation: MetricAggregation) -> String? {
            switch aggregation {
            case .count, .firstSeen, .lastSeen: nil
            case .distinct, .lastValue: "category"
            default: "amount"
            }
        }

        static func state(_ aggregation: MetricAggregation, window: String) -> (MetricState, CompiledMetric) {
            let metric = Fixture.compiled(Fixture.metric("m", filter: "true", aggregation, field: field(of: aggregation), window: window))
            var state = MetricState()
            var clock = Int64.min
            for event in events {
                clock = max(clock, event.time)
                let value: Value = switch field(of: aggregation) {
                case "amount": .number(event.amount)
                case "category": .string(event.category)
                default: .null
                }
                state.add(value, at: event.time, metric: metric, nowMs: clock)
            }
            return (state, metric)
        }

        static func value(_ aggregation: MetricAggregation, window: String, at now: Int64) -> Value {
            var (state, metric) = Self.state(aggregation, window: window)
            state.expire(nowMs: now, window: metric.window)
            return state.value(aggregation)
        }

        static let t0 = events[0].time, t1 = events[2].time, t2 = events[1].time

        /// (aggregation, all three kept, after the 00:00 bucket leaves, after the 02:00 bucket leaves, all gone)
        static let table: [(MetricAggregation, Value, Value, Value, Value)] = [
            (.count, .number(3), .number(2), .number(1), .number(0)),
            (.sum, .number(17), .number(16), .number(4), .number(0)),
            (.avg, .number(17.0 / 3), .number(8), .number(4), .null),
            (.min, .number(1), .number(4), .number(4), .null),
            (.max, .number(12), .number(12), .number(4), .null),
            (.distinct, .number(3), .number(2), .number(1), .number(0)),
            (.firstSeen, .timestamp(t0), .timestamp(t1), .timestamp(t2), .null),
            (.lastSeen, .timestamp(t2), .timestamp(t2), .timestamp(t2), .null),
            (.lastValue, .string("shoes"), .string("shoes"), .string("shoes"), .null),
        ]

        @Test func oneDayWindowHasHourBuckets() throws {
            #expect(try MetricWindow(parsing: "1d") == .sliding(lengthMs: day, bucketMs: hour))
            let (state, metric) = Self.state(.count, window: "1d")
            #expect(state.bucketStarts == [Self.base, Self.base + 2 * hour, Self.base + 5 * hour])
            #expect(state.nextExpiry(window: metric.window) == Self.base + day)
        }

        @Test(arguments: table)
        func slidingWindowValuesAndExactExpiry(aggregation: MetricAggregation, all: Value, afterFirst: Value, afterSecond: Value, empty: Value) {
            let base = Self.base
            #expect(Self.value(aggregation, window: "1d", at: base + 5 * hour) == all)
            // A bucket leaves at exactly its start + window length, not a millisecond earlier.
            #expect(Self.value(aggregation, window: "1d", at: base + day - 1) == all)
            #expect(Self.value(aggregation, window: "1d", at: base + day) == afterFirst)
            #expect(Self.value(aggregation, window: "1d", at: base + day + 2 * hour - 1) == afterFirst)
            #expect(Self.value(aggregation, window: "1d", at: base + day + 2 * hour) == afterSecond)
            #expect(Self.value(aggregation, window: "1d", at: base + day + 5 * hour - 1) == afterSecond)
            #expect(Self.value(aggregation, window: "1d", at: base + day + 5 * hour) == empty)
        }

        @Test(arguments: table)
        func lifetimeNeverExpires(aggregation: MetricAggregation, all: Value, afterFirst: Value, afterSecond: Value, empty: Value) {
            var (state, metric) = Self.state(aggregation, window: "lifetime")
            #expect(state.bucketStarts == [0])
            state.expire(nowMs: Self.base + 10_000 * day, window: metric.window)
            #expect(state.value(aggregation) == all)
            #expect(state.nextExpiry(window: metric.window) == nil)
        }

        @Test func expiryDropsOnlyLeadingBucketsAndMovesTheNextExpiry() {
            var (state, metric) = Self.state(.sum, window: "1d")
            state.expire(nowMs: Self.base + day, window: metric.window)
            #expect(state.bucketStarts == [Self.base + 2 * hour, Self.base + 5 * hour])
            #expect(state.nextExpiry(window: metric.window) == Self.base + day + 2 * hour)
            state.expire(nowMs: Self.base + 3 * day, window: metric.window)
            #expect(state.isEmpty)
            #expect(state.nextExpiry(window: metric.window) == nil)
        }

        @Test func lateEventWhoseBucketLeftTheWindowIsIgnored() {
            let metric = Fixture.compiled(Fixture.metric("m", filter: "true", .count, window: "1d"))
            var state = MetricState()
            let now = 11 * day
            state.add(.null, at: now, metric: metric, nowMs: now)
            // The 10d 00:00 bucket left the window at exactly 11d: an event in it is refused.
            state.add(.null, at: 10 * day + 59 * minute, metric: metric, nowMs: now)
            #expect(state.bucketStarts == [now])
            // The 10d 01:00 bucket is still in the window: accepted, and kept in time order.
            state.add(.null, at: 10 * day + hour, metric: metric, nowMs: now)
            #expect(state.bucketStarts == [10 * day + hour, now])
            #expect(state.value(.count) == .number(2))
            // A lifetime metric takes any late event.
            let lifetime = Fixture.compiled(Fixture.metric("l", filter: "true", .count, window: "lifetime"))
            var forever = MetricState()
            forever.add(.null, at: now, metric: lifetime, nowMs: now)
            forever.add(.null, at: 0, metric: lifetime, nowMs: now)
            #expect(forever.value(.count) == .number(2))
        }

        @Test func eventsWithoutTheAggregatedFieldLeaveNoBucket() {
            let sum = Fixture.compiled(Fixture.metric("s", filter: "true", .sum, field: "amount", window: "1d"))
            var state = MetricState()
            state.add(.null, at: day, metric: sum, nowMs: day)
            state.add(.string("x"), at: day, metric: sum, nowMs: day)
            #expect(state.isEmpty)
            #expect(state.value(.sum) == .number(0))
            #expect(state.value(.min) == .null)
        }

        @Test func lastValueIsTheNewestByEventTimeAndLaterArrivalWinsTies() {
            let lastCategory = Fixture.compiled(Fixture.metric("l", filter: "true", .lastValue, field: "category", window: "lifetime"))
            var state = MetricState()
            state.add(.string("b"), at: 200, metric: lastCategory, nowMs: 200)
            state.add(.string("a"), at: 100, metric: lastCategory, nowMs: 200)
            #expect(state.value(.lastValue) == .string("b"))
            state.add(.string("c"), at: 200, metric: lastCategory, nowMs: 200)
            #expect(state.value(.lastValue) == .string("c"))
            state.add(.null, at: 300, metric: lastCategory, nowMs: 300)
            #expect(state.value(.lastValue) == .string("c"))

            // Across buckets: the newest by event time, whichever bucket came first.
            let daily = Fixture.compiled(Fixture.metric("d", filter: "true", .lastValue, field: "category", window: "7d"))
            var buckets = MetricState()
            buckets.add(.string("new"), at: 2 * day, metric: daily, nowMs: 2 * day)
            buckets.add(.string("old"), at: day, metric: daily, nowMs: 2 * day)
            #expect(buckets.bucketStarts == [day, 2 * day])
            #expect(buckets.lastValues == [.string("old"), .string("new")])
            #expect(buckets.value(.lastValue) == .string("new"))
            buckets.expire(nowMs: 8 * day, window: daily.window)
            #expect(buckets.lastValues == [.string("new")], "the kept values leave with their buckets")
            #expect(buckets.value(.lastValue) == .string("new"))
        }
    }
}

// MARK: - The evaluator

extension ProfileEvaluatorTests {
    @Suite struct Evaluation {
        static let purchases7d = Fixture.metric("purchases_7d", filter: "event.type == \"purchase\"", .count, window: "7d")
        static let lastPurchase = Fixture.metric("last_purchase", .lastSeen, window: "lifetime")
        static let spend30d = Fixture.metric("spend_30d", .sum, field: "amount", window: "30d")
        let start: Int64 = 100 * day

        @Test func filterSelectsEventsAndBooleanTagFollowsTheWindow() {
            let evaluator = ProfileEvaluator(definitions: Fixture.set([Self.purchases7d], [Fixture.tag("frequent_buyer", "metric.purchases_7d >= 2")]))
            var state = ProfileState(userId: Fixture.user)
            evaluator.apply(Fixture.event("purchase", at: start + 3 * hour), to: &state)
            evaluator.apply(Fixture.event("view", at: start + 4 * hour), to: &state)
            evaluator.evaluate(&state)
            #expect(state.metricValues["purchases_7d"] == .number(1))
            #expect(state.tags["frequent_buyer"] == .bool(false))
            #expect(state.fields["t.frequent_buyer"] == "false")

            evaluator.apply(Fixture.event("view", at: start + 2 * day), to: &state)
            evaluator.apply(Fixture.event("purchase", at: start + 2 * day + hour), to: &state)
            evaluator.evaluate(&state)
            #expect(state.metricValues["purchases_7d"] == .number(2))
            #expect(state.tags["frequent_buyer"] == .bool(true))
            #expect(state.fields["m.purchases_7d"] == "2")
            #expect(state.fields["t.frequent_buyer"] == "true")
            // 7d windows keep 1d buckets: the oldest (day 100) leaves at day 107.
            #expect(state.nextTimerMs == start + 7 * day)

            // Time alone: one millisecond early changes nothing.
            evaluator.advance(&state, to: start + 7 * day - 1)
            evaluator.evaluate(&state)
            #expect(state.tags["frequent_buyer"] == .bool(true))
            #expect(state.nextTimerMs == start + 7 * day)

            evaluator.advance(&state, to: state.nextTimerMs!)
            evaluator.evaluate(&state)
            #expect(state.metricValues["purchases_7d"] == .number(1))
            #expect(state.tags["frequent_buyer"] == .bool(false))
            #expect(state.nextTimerMs == start + 9 * day)

            evaluator.advance(&state, to: start + 9 * day)
            evaluator.evaluate(&state)
            #expect(state.metricValues["purchases_7d"] == .number(0))
            #expect(state.metricStates.isEmpty)
            #expect(state.nextTimerMs == nil)
        }

        @Test func advanceNeverMovesTheClockBack() {
            let evaluator = ProfileEvaluator(definitions: Fixture.set([Self.purchases7d]))
            var state = ProfileState(userId: Fixture.user)
            evaluator.apply(Fixture.event("purchase", at: start), to: &state)
            evaluator.advance(&state, to: start - day)
            #expect(state.clockMs == start)
            evaluator.apply(Fixture.event("purchase", at: start - hour), to: &state)
            #expect(state.clockMs == start)
        }

        @Test func timeDependentTagGetsAnHourlyTimerAndFlipsAfterThirtyOneDays() {
            let evaluator = ProfileEvaluator(definitions: Fixture.set(
                [Self.lastPurchase], [Fixture.tag("lapsed", "days_since(metric.last_purchase) > 30")]))
            var state = ProfileState(userId: Fixture.user)
            let purchase = start + 3 * hour + 17 * minute
            evaluator.apply(Fixture.event("purchase", at: purchase), to: &state)
            evaluator.evaluate(&state)
            #expect(state.metricValues["last_purchase"] == .timestamp(purchase))
            #expect(state.fields["m.last_purchase"] == String(purchase))
            #expect(state.tags["lapsed"] == .bool(false))
            #expect(state.nextTimerMs == start + 4 * hour)

            evaluator.advance(&state, to: purchase + 30 * day)
            evaluator.evaluate(&state)
            #expect(state.tags["lapsed"] == .bool(false))
            #expect(state.nextTimerMs == start + 30 * day + 4 * hour)

            evaluator.advance(&state, to: purchase + 31 * day)
            evaluator.evaluate(&state)
            #expect(state.tags["lapsed"] == .bool(true))
            #expect(state.fields["t.lapsed"] == "true")
            #expect(state.nextTimerMs == start + 31 * day + 4 * hour)
        }

        @Test func timeIndependentProfileWithLifetimeMetricsHasNoTimer() {
            let evaluator = ProfileEvaluator(definitions: Fixture.set([Self.lastPurchase], [Fixture.tag("buyer", "metric.last_purchase != null")]))
            var state = ProfileState(userId: Fixture.user)
            evaluator.apply(Fixture.event("purchase", at: start), to: &state)
            evaluator.evaluate(&state)
            #expect(state.tags["buyer"] == .bool(true))
            #expect(state.nextTimerMs == nil)
        }

        @Test func enumeratedTagTakesTheFirstMatchingBranchAndIsAbsentWhenNull() {
            let tier = Fixture.tag(
                "tier", "case when metric.spend_30d >= 100 then \"gold\" when metric.spend_30d >= 20 then 'silver' end", kind: .enumerated)
            let evaluator = ProfileEvaluator(definitions: Fixture.set([Self.spend30d], [tier]))
            var state = ProfileState(userId: Fixture.user)
            evaluator.apply(Fixture.event("purchase", at: start, amount: 5), to: &state)
            evaluator.evaluate(&state)
            #expect(state.tags["tier"] == nil)
            #expect(state.fields["t.tier"] == nil)
            evaluator.apply(Fixture.event("purchase", at: start + hour, amount: 25), to: &state)
            evaluator.evaluate(&state)
            #expect(state.tags["tier"] == .string("silver"))
            evaluator.apply(Fixture.event("purchase", at: start + 2 * hour, amount: 70.5), to: &state)
            evaluator.evaluate(&state)
            #expect(state.metricValues["spend_30d"] == .number(100.5))
            #expect(state.fields["m.spend_30d"] == "100.5")
            #expect(state.tags["tier"] == .string("gold"))
            #expect(state.fields["t.tier"] == "gold")
        }

        @Test func tagsReadingTagsRunInDependencyOrder() {
            // Alphabetical order is the reverse of dependency order.
            let tags = [
                Fixture.tag("a_top", "tag.m_mid and attr.city == 'Paris'"),
                Fixture.tag("m_mid", "tag.z_base and metric.purchases_7d < 5"),
                Fixture.tag("z_base", "metric.purchases_7d >= 1"),
            ]
            let set = Fixture.set([Self.purchases7d], tags, validator: DefinitionValidator(attributes: ["city": .string]))
            #expect(set.problems.isEmpty)
            #expect(set.tags.map(\.name) == ["z_base", "m_mid", "a_top"])
            let evaluator = ProfileEvaluator(definitions: set)
            var state = ProfileState(userId: Fixture.user)
            evaluator.apply(Fixture.attributes(["city": .string("Paris")]), to: &state)
            evaluator.apply(Fixture.event("purchase", at: start), to: &state)
            evaluator.evaluate(&state)  // one evaluation is enough
            #expect(state.tags == ["z_base": .bool(true), "m_mid": .bool(true), "a_top": .bool(true)])
        }

        @Test func attributeChangesSetAndNullRemovesWithoutMovingTheClock() {
            let set = Fixture.set([], [Fixture.tag("parisian", "attr.city == 'Paris'")],
                                  validator: DefinitionValidator(attributes: ["city": .string, "age": .number]))
            let evaluator = ProfileEvaluator(definitions: set)
            var state = ProfileState(userId: Fixture.user)
            evaluator.apply(Fixture.attributes(["city": .string("Paris"), "age": .number(30)], at: start), to: &state)
            #expect(state.clockMs == .min)
            evaluator.evaluate(&state)
            #expect(state.attributes == ["city": .string("Paris"), "age": .number(30)])
            #expect(state.fields == ["a.city": "Paris", "a.age": "30", "t.parisian": "true"])

            evaluator.apply(Fixture.attributes(["city": .null], at: start + day), to: &state)
            evaluator.evaluate(&state)
            #expect(state.attributes == ["age": .number(30)])
            #expect(state.fields == ["a.age": "30", "t.parisian": "false"])
        }

        @Test func draftAndRetiredDefinitionsAreNotComputed() {
            let draftMetric = Fixture.metric("draft_count", .count, window: "7d", status: .draft)
            let retiredMetric = Fixture.metric("retired_count", .count, window: "7d", status: .retired)
            let set = Fixture.set(
                [Self.purchases7d, draftMetric, retiredMetric],
                [Fixture.tag("live", "metric.purchases_7d > 0"), Fixture.tag("old", "true", status: .retired), Fixture.tag("wip", "true", status: .draft)])
            #expect(set.metrics.map(\.name) == ["purchases_7d"])
            #expect(set.tags.map(\.name) == ["live"])
            #expect(set.problems.isEmpty)
            let evaluator = ProfileEvaluator(definitions: set)
            var state = ProfileState(userId: Fixture.user)
            evaluator.apply(Fixture.event("purchase", at: start), to: &state)
            evaluator.evaluate(&state)
            #expect(state.metricValues == ["purchases_7d": .number(1)])
            #expect(state.tags == ["live": .bool(true)])
            #expect(Set(state.metricStates.names) == [set.metrics[0].stateKey])

            // Retiring the metric later drops its state at the next evaluation.
            var retired = Self.purchases7d
            retired.status = .retired
            let after = ProfileEvaluator(definitions: Fixture.set([retired]))
            after.evaluate(&state)
            #expect(state.metricStates.isEmpty)
            #expect(state.metricValues.isEmpty)
            #expect(state.tags.isEmpty)
        }

        @Test func changedMeaningGivesANewStateKeyAndDropsTheOldState() {
            let old = Fixture.compiled(Self.purchases7d)
            var reworded = Self.purchases7d
            reworded.description = "purchases in the last week"
            #expect(Fixture.compiled(reworded).stateKey == old.stateKey)
            #expect((try? CompiledMetric(Self.purchases7d, version: 9, eventFields: DefinitionValidator.standardEventFields))?.stateKey == old.stateKey)
            var changes: [MetricDefinition] = []
            var filtered = Self.purchases7d
            filtered.filter = "event.type == 'purchase' and event.amount > 10"
            changes.append(filtered)
            var windowed = Self.purchases7d
            windowed.window = try! MetricWindow(parsing: "30d")
            changes.append(windowed)
            changes.append(Fixture.metric("purchases_7d", .distinct, field: "category", window: "7d"))
            changes.append(Fixture.metric("purchases_7d", .lastValue, field: "item_id", window: "7d"))
            let keys = changes.map { Fixture.compiled($0).stateKey }
            #expect(Set(keys + [old.stateKey]).count == keys.count + 1)

            var state = ProfileState(userId: Fixture.user)
            ProfileEvaluator(definitions: Fixture.set([Self.purchases7d])).apply(Fixture.event("purchase", at: start, amount: 50), to: &state)
            #expect(state.metricStates[old.stateKey] != nil)
            let evaluator = ProfileEvaluator(definitions: Fixture.set([filtered], version: 2))
            evaluator.evaluate(&state)
            #expect(state.metricStates.isEmpty)
            #expect(state.metricValues["purchases_7d"] == .number(0))
            evaluator.apply(Fixture.event("purchase", at: start + hour, amount: 50), to: &state)
            evaluator.apply(Fixture.event("purchase", at: start + hour, amount: 5), to: &state)
            evaluator.evaluate(&state)
            #expect(Set(state.metricStates.names) == [keys[0]])
            #expect(state.metricValues["purchases_7d"] == .number(1))
        }

        @Test func followingTheTimersEmptiesEveryWindow() {
            // A length that is not a multiple of the natural bucket ("7m") gets a bucket that
            // divides it, so the oldest bucket leaves exactly when its timer fires.
            let evaluator = ProfileEvaluator(definitions: Fixture.set([Fixture.metric("recent", .count, window: "7m")]))
            var state = ProfileState(userId: Fixture.user)
            evaluator.apply(Fixture.event("purchase", at: start), to: &state)
            evaluator.evaluate(&state)
            #expect(state.metricValues["recent"] == .number(1))
            var timers = 0
            while let timer = state.nextTimerMs, timers < 10 {
                #expect(timer > state.clockMs)
                evaluator.advance(&state, to: timer)
                evaluator.evaluate(&state)
                timers += 1
            }
            #expect(state.metricValues["recent"] == .number(0))
            #expect(state.metricStates.isEmpty)
        }

        @Test(arguments: [100 * day, Int64.max, Int64.max - 1_000, Int64.min, Int64.min + 1_000])  // 100d: the control case
        func extremeEventTimesDoNotTrap(timestampMs: Int64) async {
            // Window and timer arithmetic would trap near Int64's ends: events outside
            // ProfileEvaluator.supportedTimes are ignored (the decoder dead-letters them).
            await #expect(processExitsWith: .success) { [timestampMs] in
                let set = DefinitionSet(
                    metrics: [DefinitionSet.Versioned(MetricDefinition(
                        name: "purchases_7d", aggregation: .count, window: try! MetricWindow(parsing: "7d"), status: .active), version: 1)],
                    tags: [DefinitionSet.Versioned(TagDefinition(name: "recent", expression: "hours_since(now()) < 1", status: .active), version: 1)],
                    validator: DefinitionValidator())
                let evaluator = ProfileEvaluator(definitions: set)
                var state = ProfileState(userId: "u1")
                evaluator.apply(.event(ProfileEvent(userId: "u1", timestampMs: timestampMs, fields: ["type": .string("purchase")])), to: &state)
                evaluator.evaluate(&state)
                if let timer = state.nextTimerMs { evaluator.advance(&state, to: timer) }
                evaluator.evaluate(&state)
            }
        }

        @Test func batchingDoesNotChangeTheResult() {
            let metrics = [
                Self.purchases7d, Self.spend30d, Self.lastPurchase,
                Fixture.metric("categories", filter: "true", .distinct, field: "category", window: "lifetime"),
                Fixture.metric("last_category", filter: "true", .lastValue, field: "category", window: "7d"),
                Fixture.metric("cheapest_1d", .min, field: "amount", window: "1d"),
                Fixture.metric("first_view", filter: "event.type == 'view'", .firstSeen, window: "30d"),
            ]
            let tags = [
                Fixture.tag("frequent", "metric.purchases_7d >= 2"),
                Fixture.tag("lapsed", "days_since(metric.last_purchase) > 3"),
                Fixture.tag("segment", "case when tag.frequent and attr.city == 'Paris' then 'paris_regular' when metric.spend_30d > 50 then 'spender' else 'other' end", kind: .enumerated),
            ]
            let evaluator = ProfileEvaluator(definitions: Fixture.set(metrics, tags, validator: DefinitionValidator(attributes: ["city": .string])))
            #expect(evaluator.definitions.problems.isEmpty)
            let inputs: [ProfileInput] = [
                Fixture.event("view", at: start, category: "shoes"),
                Fixture.event("purchase", at: start + hour, amount: 30, category: "shoes"),
                Fixture.attributes(["city": .string("Paris")], at: start + 5 * day),
                Fixture.event("purchase", at: start + 2 * day, amount: 12, category: "books"),
                Fixture.event("view", at: start + 2 * day - 3 * hour, category: "toys"),  // late but in the window
                Fixture.event("purchase", at: start + 9 * day, amount: 8, category: "toys"),
                Fixture.event("purchase", at: start + day, amount: 99, category: "games"),  // late: left the 7d and 1d windows
                Fixture.attributes(["city": .null]),
                Fixture.event("view", at: start + 12 * day, category: "books"),
            ]
            var eachInput = ProfileState(userId: Fixture.user)
            for input in inputs {
                evaluator.apply(input, to: &eachInput)
                evaluator.evaluate(&eachInput)
            }
            var oneBatch = ProfileState(userId: Fixture.user)
            for input in inputs { evaluator.apply(input, to: &oneBatch) }
            evaluator.evaluate(&oneBatch)
            var threeBatches = ProfileState(userId: Fixture.user)
            for (index, input) in inputs.enumerated() {
                evaluator.apply(input, to: &threeBatches)
                if index % 3 == 2 { evaluator.evaluate(&threeBatches) }
            }

            #expect(eachInput.fields == oneBatch.fields)
            #expect(threeBatches.fields == oneBatch.fields)
            #expect(eachInput == oneBatch)
            #expect(threeBatches == oneBatch)
            #expect(oneBatch.metricValues["purchases_7d"] == .number(1))
            // The late 101d purchase left the 7d and 1d windows but not the 30d or lifetime ones.
            #expect(oneBatch.metricValues["spend_30d"] == .number(30 + 12 + 8 + 99))
            #expect(oneBatch.metricValues["categories"] == .number(4))
            #expect(oneBatch.metricValues["last_category"] == .string("books"))
            #expect(oneBatch.metricValues["cheapest_1d"] == nil)
            #expect(oneBatch.metricValues["first_view"] == .timestamp(start))
            #expect(oneBatch.fields["t.lapsed"] == "false")
            #expect(oneBatch.fields["t.segment"] == "spender")
        }
    }
}

// MARK: - Definition sets

extension ProfileEvaluatorTests {
    @Suite struct Definitions {
        @Test func tagCycleIsReportedAndNeitherTagIsComputed() {
            let set = Fixture.set(
                [Evaluation.purchases7d],
                [
                    Fixture.tag("a", "tag.b or metric.purchases_7d > 0"),
                    Fixture.tag("b", "tag.a"),
                    Fixture.tag("c", "tag.a"),  // reads a tag on the cycle
                    Fixture.tag("selfish", "not tag.selfish"),
                    Fixture.tag("fine", "metric.purchases_7d > 0"),
                ])
            #expect(set.tags.map(\.name) == ["fine"])
            for name in ["a", "b", "c", "selfish"] {
                #expect(set.problems.contains { $0.hasPrefix("tag \(name):") }, "\(name) missing from \(set.problems)")
            }
            #expect(set.problems.count == 4)
            let evaluator = ProfileEvaluator(definitions: set)
            var state = ProfileState(userId: Fixture.user)
            evaluator.apply(Fixture.event("purchase", at: day), to: &state)
            evaluator.evaluate(&state)
            #expect(state.tags == ["fine": .bool(true)])
        }

        @Test func tagReadingANonActiveMetricIsReported() {
            var retired = Evaluation.purchases7d
            retired.status = .retired
            let draft = Fixture.metric("spend_draft", .sum, field: "amount", window: "30d", status: .draft)
            let set = Fixture.set(
                [retired, draft],
                [Fixture.tag("uses_retired", "metric.purchases_7d > 1"), Fixture.tag("uses_draft", "metric.spend_draft > 1"), Fixture.tag("ok", "true")])
            #expect(set.metrics.isEmpty)
            #expect(set.tags.map(\.name) == ["ok"])
            #expect(set.problems.count == 2)
            #expect(set.problems.contains { $0.hasPrefix("tag uses_retired:") && $0.contains("metric.purchases_7d") })
            #expect(set.problems.contains { $0.hasPrefix("tag uses_draft:") && $0.contains("metric.spend_draft") })
        }

        @Test func invalidActiveMetricIsReportedAndLeftOut() {
            let set = Fixture.set([
                Fixture.metric("bad_sum", .sum, field: "category", window: "7d"),
                Fixture.metric("good", .count, window: "7d"),
            ])
            #expect(set.metrics.map(\.name) == ["good"])
            #expect(set.problems.count == 1)
            #expect(set.problems.first?.hasPrefix("metric bad_sum:") == true)
        }
    }
}

// MARK: - Profile state

extension ProfileEvaluatorTests {
    @Suite struct State {
        func admit(_ state: inout ProfileState, _ source: String, _ offset: Int64) -> Bool {
            state.admit(source: source, offset: offset)
        }

        @Test func admitRefusesReplayedOffsetsPerSource() {
            var state = ProfileState(userId: Fixture.user)
            #expect(admit(&state, "orders/0", 5) == true)
            #expect(admit(&state, "orders/0", 5) == false)
            #expect(admit(&state, "orders/0", 4) == false)
            #expect(admit(&state, "orders/1", 1) == true)
            #expect(admit(&state, "orders/0", 6) == true)
            #expect(admit(&state, "orders/1", 0) == false)
            #expect(state.fences == ["orders/0": 6, "orders/1": 1])
        }

        @Test func storedTextRendersValues() {
            #expect(Value.number(3).storedText == "3")
            #expect(Value.number(-2.5).storedText == "-2.5")
            #expect(Value.bool(false).storedText == "false")
            #expect(Value.string("a b").storedText == "a b")
            #expect(Value.timestamp(1_700_000_000_123).storedText == "1700000000123")
            #expect(Value.duration(-5).storedText == "-5")
            #expect(Value.list([.string("x"), .null, .number(1)]).storedText == "[x,1]")
            #expect(Value.null.storedText == nil)
        }
    }
}

// MARK: - Codec

extension ProfileEvaluatorTests {
    @Suite struct Codec {
        /// What ``richState()`` is computed with.
        static let evaluator = ProfileEvaluator(definitions: Fixture.set(
            [
                Evaluation.purchases7d, Evaluation.spend30d, Evaluation.lastPurchase,
                Fixture.metric("categories", filter: "true", .distinct, field: "category", window: "lifetime"),
                Fixture.metric("last_category", filter: "true", .lastValue, field: "category", window: "1d"),
                Fixture.metric("cheapest", .min, field: "amount", window: "1h"),
            ],
            [Fixture.tag("lapsed", "days_since(metric.last_purchase) > 3"), Fixture.tag("tier", "case when metric.spend_30d > 10 then 'gold' end", kind: .enumerated)]))

        static func richState() -> ProfileState {
            var state = ProfileState(userId: "user-é-42")
            state.denseId = 42
            _ = state.admit(source: "orders/3", offset: 1_234_567_890_123)
            _ = state.admit(source: "events/0", offset: 0)
            evaluator.apply(Fixture.attributes([
                "city": .string("Zürich"), "age": .number(-3.25), "vip": .bool(true), "born": .timestamp(-86_400_000),
                "tenure": .duration(7 * day), "labels": .list([.string("a"), .number(1), .null, .list([.bool(false)])]),
            ]), to: &state)
            for (offset, category) in ["shoes", "books", "toys", "shoes"].enumerated() {
                evaluator.apply(Fixture.event("purchase", at: 50 * day + Int64(offset) * 7 * minute, amount: Double(offset) + 0.1, category: category), to: &state)
            }
            evaluator.apply(Fixture.event("view", at: 50 * day + hour, category: "games"), to: &state)
            evaluator.evaluate(&state)
            return state
        }

        @Test func roundTripGivesAnEqualStateAndEqualBytes() throws {
            let state = Self.richState()
            #expect(state.metricStates.count == 6)
            #expect(state.nextTimerMs != nil)
            #expect(!state.tags.isEmpty)
            let keys = Self.evaluator.definitions.stateKeys
            let bytes = ProfileStateCodec.encode(state, keys: keys)
            let decoded = try ProfileStateCodec.decode(bytes, userId: state.userId, keys: keys)
            // Everything but the metric values and tags, which the profile hash holds (format 6).
            var withoutValues = state
            (withoutValues.metricValues, withoutValues.tags) = ([:], [:])
            #expect(decoded == withoutValues)
            #expect(ProfileStateCodec.encode(decoded, keys: keys) == bytes)
            #expect(!ProfileStateCodec.holdsValues(bytes))
            // Format 7 names the states by position in the definition set's keys, not by name.
            #expect(ProfileStateCodec.stateKeysFingerprint(bytes) == keys.fingerprint)
            for name in state.metricStates.names { #expect(bytes.firstRange(of: Array(name.utf8)) == nil) }
            #expect(throws: ProfileStateCodec.DecodingError.self) { try ProfileStateCodec.decode(bytes, userId: state.userId) }
            #expect(throws: ProfileStateCodec.DecodingError.self) {
                try ProfileStateCodec.decode(bytes, userId: state.userId, keys: StateKeys(keys.names.dropLast()))
            }
            // Keys the list lacks (a state kept from other definitions) are written by name.
            let partial = StateKeys(keys.names.dropFirst())
            let named = ProfileStateCodec.encode(state, keys: partial)
            #expect(named.firstRange(of: Array(keys.names[0].utf8)) != nil)
            #expect(try ProfileStateCodec.decode(named, userId: state.userId, keys: partial) == withoutValues)
            // The list as Redis stores it reads back; text that does not match its fingerprint does not.
            #expect(StateKeys(text: keys.text, fingerprint: keys.fingerprint) == keys)
            #expect(StateKeys(text: keys.text + "\nx#1", fingerprint: keys.fingerprint) == nil)
            #expect(StateKeys(text: "", fingerprint: StateKeys.empty.fingerprint) == StateKeys.empty)
            // Re-evaluated at its clock, the decoded state has them again, as they were.
            var evaluated = decoded
            Self.evaluator.evaluate(&evaluated)
            #expect(evaluated == state)
            // A format-5 blob still carries them, and reads whole; format 6 names its states.
            let format5 = ProfileStateCodec.encode(state, format: 5)
            #expect(ProfileStateCodec.holdsValues(format5))
            #expect(try ProfileStateCodec.decode(format5, userId: state.userId) == state)
            let format6 = ProfileStateCodec.encode(state, format: 6)
            #expect(ProfileStateCodec.stateKeysFingerprint(format6) == nil)
            #expect(try ProfileStateCodec.decode(format6, userId: state.userId) == withoutValues)
            #expect(bytes.count < format6.count)

            var bare = ProfileState(userId: "u")
            bare.clockMs = .min
            let bareDecoded = try ProfileStateCodec.decode(ProfileStateCodec.encode(bare, keys: .empty), userId: "u", keys: .empty)
            #expect(bareDecoded == bare)
            #expect(bareDecoded.denseId == nil && bareDecoded.nextTimerMs == nil)
        }

        /// Format 7 writes whole sums and extremes as varints; every other double keeps its bits.
        @Test func compactDoublesKeepEveryBitPattern() throws {
            let values: [Double] = [0, 1, -1, 300, -4_503_599_627_370_495, 0x1p52, -0.0, 0.1, 12.5, .infinity, -.infinity, .nan, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
            var writer = ByteWriter(capacity: 16)
            for value in values { writer.compactDouble(value) }
            var reader = ByteReader(writer.finish())
            for value in values { #expect(try reader.compactDouble().bitPattern == value.bitPattern, "\(value)") }
            #expect(reader.atEnd)
            var small = ByteWriter(capacity: 16)
            small.compactDouble(300)
            #expect(small.finish().count == 2)
        }

        @Test func insertionOrderDoesNotChangeTheBytes() {
            let names = (0..<64).map { "key_\($0)" }
            var forward = ProfileState(userId: "u")
            var backward = ProfileState(userId: "u")
            backward.attributes.reserveCapacity(1_000)
            backward.fences.reserveCapacity(1_000)
            backward.tags.reserveCapacity(1_000)
            for name in names {
                forward.attributes[name] = .string(name)
                forward.fences[name] = Int64(name.count)
                forward.tags[name] = .bool(true)
            }
            for name in names.reversed() {
                backward.tags[name] = .bool(true)
                backward.fences[name] = Int64(name.count)
                backward.attributes[name] = .string(name)
            }
            var forwardBucket: Set<Value> = []
            var backwardBucket: Set<Value> = []
            backwardBucket.reserveCapacity(1_000)
            for name in names { forwardBucket.insert(.string(name)) }
            for name in names.reversed() { backwardBucket.insert(.string(name)) }
            forward.metricStates["a#1"] = MetricState(bucketStarts: [0], accumulators: [MetricAccumulator()], distinctValues: [forwardBucket])
            forward.metricStates["b#2"] = MetricState(bucketStarts: [0], accumulators: [MetricAccumulator()])
            backward.metricStates["b#2"] = MetricState(bucketStarts: [0], accumulators: [MetricAccumulator()])
            backward.metricStates["a#1"] = MetricState(bucketStarts: [0], accumulators: [MetricAccumulator()], distinctValues: [backwardBucket])
            #expect(forward == backward)
            #expect(ProfileStateCodec.encode(forward, keys: StateKeys(["b#2"])) == ProfileStateCodec.encode(backward, keys: StateKeys(["b#2"])))
        }

        /// ``richState()`` as format 3 wrote it (every accumulator field, always), before
        /// format 4: blobs already in Redis must still read as the same state.
        static let richStateFormat3 = [
            "0314757365722dc3a92d343254809aa79b20c0e9cb9b200c06616765030000000000000ac008626f726e05ffefb25208",
            "63697479040e5ac3bc726963680c6c6162656c73070804026103000000000000f03f000702010c74656e757265068090",
            "e4c00406766970020c1463617465676f72696573030000000000001040106368656170657374039a9999999999f13f1a",
            "6c6173745f63617465676f7279040a67616d65731a6c6173745f707572636861736505c0c78999201870757263686173",
            "65735f3764030000000000001040127370656e645f333064039a99999999991940020c6c617073656401000410657665",
            "6e74732f3000106f72646572732f339693d89fee470c2663617465676f72696573236130373264336430020000000000",
            "0000000000000000000000f07f000000000000f0fffeffffffffffffffff01ffffffffffffffffff010008040a626f6f",
            "6b73040a67616d6573040a73686f65730408746f797322636865617065737423626662633134626206c0af949820029a",
            "9999999999f13f9a9999999999f13f9a9999999999f13ffeffffffffffffffff01ffffffffffffffffff01000080ffb8",
            "982002cdcccccccccc0040cdcccccccccc0040cdcccccccccc0040feffffffffffffffff01ffffffffffffffffff0100",
            "00809e82992002cdcccccccccc0840cdcccccccccc0840cdcccccccccc0840feffffffffffffffff01ffffffffffffff",
            "ffff0100002c6c6173745f63617465676f72792330313334316661340480e0ef97200000000000000000000000000000",
            "00f07f000000000000f0fffeffffffffffffffff01c0c7899920040a73686f657300809aa79b20000000000000000000",
            "000000000000f07f000000000000f0fffeffffffffffffffff01809aa79b20040a67616d6573002c6c6173745f707572",
            "63686173652335323532653335330200080000000000000000000000000000f07f000000000000f0ff80e0ef9720c0c7",
            "89992000002a7075726368617365735f37642339303861393537340280e0ef9720080000000000000000000000000000",
            "f07f000000000000f0fffeffffffffffffffff01ffffffffffffffffff010000247370656e645f333064236331383336",
            "3837320280e0ef9720089a999999999919409a9999999999b93fcdcccccccccc0840feffffffffffffffff01ffffffff",
            "ffffffffff01000000",
        ].joined()

        @Test func formatThreeBlobsStillRead() throws {
            let hex = Array(Self.richStateFormat3.utf8)
            let bytes = stride(from: 0, to: hex.count, by: 2).map { UInt8(String(decoding: hex[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
            #expect(bytes.first == 3)
            let state = Self.richState()
            #expect(try ProfileStateCodec.decode(bytes, userId: state.userId) == state)
            #expect(ProfileStateCodec.encode(state, format: 4).count < bytes.count)  // format 4 leaves empty fields out
        }

        @Test func corruptOrForeignBytesThrow() {
            let state = Self.richState()
            let keys = Self.evaluator.definitions.stateKeys
            let bytes = ProfileStateCodec.encode(state, keys: keys)
            for length in 0..<bytes.count {
                #expect(throws: ProfileStateCodec.DecodingError.self) { try ProfileStateCodec.decode(Array(bytes.prefix(length)), userId: state.userId, keys: keys) }
            }
            #expect(throws: ProfileStateCodec.DecodingError.self) { try ProfileStateCodec.decode(bytes, userId: "someone-else", keys: keys) }
            #expect(throws: ProfileStateCodec.DecodingError.self) { try ProfileStateCodec.decode(bytes + [0], userId: state.userId, keys: keys) }
            var otherVersion = bytes
            otherVersion[0] = 8  // 7 (states by position in a keys list) is the newest; 8 is unknown
            #expect(throws: ProfileStateCodec.DecodingError.self) { try ProfileStateCodec.decode(otherVersion, userId: state.userId, keys: keys) }
            let error = #expect(throws: ProfileStateCodec.DecodingError.self) { try ProfileStateCodec.decode(bytes, userId: "someone-else", keys: keys) }
            #expect(error?.userId == "someone-else")
        }
    }
}

private extension MetricState {
    init(bucketStarts: [Int64], accumulators: [MetricAccumulator], distinctValues: [Set<Value>] = []) {
        self.init()
        buckets = zip(bucketStarts, accumulators).map { MetricBucket(start: $0, accumulator: $1) }
        self.distinctValues = distinctValues
    }
}
