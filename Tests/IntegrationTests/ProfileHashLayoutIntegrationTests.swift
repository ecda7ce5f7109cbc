@testable import PortraitCore
@testable import PortraitProcessor
import Redis
import Testing

/// A profile hash written in the flat layout of before 2026-12-07 (one field per value) is
/// replaced by the sectioned one (``ProfileHash``) on the user's next write, in the same
/// transaction, and reads the same before and after; a state blob without metric values and
/// tags (format 6) is read back with the hash's, typed as computed. Database 18 is this
/// suite's own, so its tests run one at a time (each empties it first).
@Suite(.serialized) struct ProfileHashLayoutIntegrationTests {
    @Test func theNextWriteOfAFlatHashReplacesItWithSections() throws {
        let redis = try TestServices.emptiedRedis(database: 18)
        let store = RedisProfileStore(connection: redis)
        var old = ProfileState(userId: "u1")
        old.denseId = 7
        old.clockMs = 1_000
        old.attributes = ["city": .string("Lyon")]
        old.metricValues = ["orders": .number(2), "spend": .number(12.5)]
        old.tags = ["buyer": .bool(true)]
        old.modelOutputs = ["model.churn.score": .number(0.25)]
        // As an older processor left it: flat fields, and a state blob of format 4.
        try redis.command("SET", ProfileKeys.state("u1"), ProfileStateCodec.encode(old, format: 4))
        try redis.command(["HSET", ProfileKeys.profile("u1"), "_id", "7", "_updated", "1"] + old.fields.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] })
        let before = try store.profile("u1")
        #expect(before["m.orders"] == "2" && before["a.city"] == "Lyon" && before["model.churn.score"] == "0.25")

        let loaded = try #require(try store.loadStates(["u1"]).first ?? nil)
        #expect(loaded.hashIsFlat)
        var held = HeldProfile(state: loaded.state, stored: WrittenValues(loaded.state), storedHashIsFlat: loaded.hashIsFlat)
        held.state.metricValues["orders"] = .number(3)
        #expect(try store.write([held.takeForWrite(partition: 0).write(tagVersions: [:], stateKeys: .empty)], updatedMs: 2) == [.written])

        #expect(Set(try redis.command("HKEYS", ProfileKeys.profile("u1")).array?.compactMap(\.string) ?? []) == ["_id", "_updated", "a", "m", "t", "model.churn.score"])
        var expected = held.state.fields
        expected["_id"] = "7"
        expected["_updated"] = "2"
        #expect(try store.profile("u1") == expected)
        #expect(try redis.command("HGET", ProfileKeys.profile("u1"), "m").string == #"{"orders":"3","spend":"12.5"}"#)
        #expect(try store.loadStates(["u1"]).first??.hashIsFlat == false)

        // Later writes set only the sections that changed; the flat fields stay gone.
        held.state.tags["buyer"] = .bool(false)
        #expect(try store.write([held.takeForWrite(partition: 0).write(tagVersions: [:], stateKeys: .empty)], updatedMs: 3) == [.written])
        expected["t.buyer"] = "false"
        expected["_updated"] = "3"
        #expect(try store.profile("u1") == expected)
        #expect(try redis.command("HLEN", ProfileKeys.profile("u1")).int == 6)
    }

    /// A state stored as format 6 leaves its metric values and tags to the hash. Loaded again,
    /// they come back from the hash typed as the evaluator computed them (numbers, times,
    /// booleans, enumerated strings, a `last_value`), so the next write of the same profile
    /// changes nothing: no section, no history entry, no bitmap.
    @Test func valuesLeftToTheHashReadBackAsComputed() throws {
        let redis = try TestServices.emptiedRedis(database: 18)
        let store = RedisProfileStore(connection: redis)
        let day: Int64 = 86_400_000
        let definitions = DefinitionSet(
            metrics: [
                MetricDefinition(name: "orders", filter: "event.type == 'purchase'", aggregation: .count, window: try MetricWindow(parsing: "lifetime"), status: .active),
                MetricDefinition(name: "spend", filter: "event.type == 'purchase'", aggregation: .sum, field: "amount", window: try MetricWindow(parsing: "30d"), status: .active),
                MetricDefinition(name: "last_seen", aggregation: .lastSeen, window: try MetricWindow(parsing: "lifetime"), status: .active),
                MetricDefinition(name: "last_category", aggregation: .lastValue, field: "category", window: try MetricWindow(parsing: "lifetime"), status: .active),
                MetricDefinition(name: "last_amount", filter: "event.type == 'purchase'", aggregation: .lastValue, field: "amount", window: try MetricWindow(parsing: "lifetime"), status: .active),
            ].map { DefinitionSet.Versioned($0, version: 1) },
            tags: [
                TagDefinition(name: "buyer", expression: "metric.orders >= 1", status: .active),
                TagDefinition(name: "vip", expression: "metric.spend > 1000", status: .active),
                TagDefinition(name: "tier", kind: .enumerated, expression: "case when metric.spend > 10 then 'gold' else 'basic' end", status: .active),
            ].map { DefinitionSet.Versioned($0, version: 1) },
            validator: DefinitionValidator())
        #expect(definitions.problems.isEmpty, "\(definitions.problems)")
        let evaluator = ProfileEvaluator(definitions: definitions)
        var state = ProfileState(userId: "u2")
        state.denseId = 9
        for (offset, (type, amount, category)) in [("view", nil, "books"), ("purchase", 12.5, "toys"), ("purchase", 30.0, "games")].enumerated() {
            var fields: NamedValues = ["type": .string(type), "category": .string(category)]
            if let amount { fields["amount"] = .number(amount) }
            evaluator.apply(.event(ProfileEvent(userId: "u2", timestampMs: 40 * day + Int64(offset) * 60_000, fields: fields)), to: &state)
        }
        evaluator.evaluate(&state)
        #expect(state.metricValues["last_seen"] == .timestamp(40 * day + 120_000))
        #expect(state.tags["tier"] == .string("gold") && state.tags["vip"] == .bool(false))
        let first = ProfileWrite(old: nil, new: state, partition: 0)
        #expect(try store.write([first], updatedMs: 1) == [.written])
        let blob = try #require(try redis.command("GET", ProfileKeys.state("u2")).bytes)
        #expect(!ProfileStateCodec.holdsValues(blob), "format 6: the blob leaves the values to the hash")

        let loaded = try #require(try store.loadStates(["u2"], definitions: definitions).first ?? nil)
        #expect(loaded.state.metricValues == state.metricValues)
        #expect(loaded.state.tags == state.tags)
        #expect(loaded.state == state)
        let again = ProfileWrite(old: WrittenValues(loaded.state), new: state, partition: 0)
        #expect(again.sections.isEmpty && again.modelFields.isEmpty && again.deletes.isEmpty)
        #expect(again.tagChanges.isEmpty && again.metricChanges.isEmpty && again.bits.isEmpty)

        // Without the definitions (a reader that has none), values are read as their text
        // looks; stored text is what a write compares for metrics, so nothing changes either.
        let untyped = try #require(try store.loadStates(["u2"]).first ?? nil)
        #expect(untyped.state.metricValues["last_seen"] == .number(Double(40 * day + 120_000)))
        let untypedAgain = ProfileWrite(old: WrittenValues(untyped.state), new: state, partition: 0)
        #expect(untypedAgain.sections.isEmpty && untypedAgain.metricChanges.isEmpty && untypedAgain.tagChanges.isEmpty)
    }

    /// A blob refers to its metric states by position in the writer's definition set's state
    /// keys (format 7), stored once beside it. A reader under other definitions, with none of
    /// the lists in memory, reads the list from Redis; without it, loading fails loudly
    /// instead of guessing which state is which.
    @Test func blobsReferToStateKeysStoredBesideThem() throws {
        let redis = try TestServices.emptiedRedis(database: 18)
        func definitions(_ names: [String]) throws -> DefinitionSet {
            let metrics = try names.map {
                DefinitionSet.Versioned(MetricDefinition(name: $0, aggregation: .count, window: try MetricWindow(parsing: "lifetime"), status: .active), version: 1)
            }
            return DefinitionSet(metrics: metrics, tags: [], validator: DefinitionValidator())
        }
        let writer = try definitions(["events", "visits"])
        let evaluator = ProfileEvaluator(definitions: writer)
        var states: [ProfileState] = []
        for user in ["u3", "u4"] {
            var state = ProfileState(userId: user)
            state.denseId = user == "u3" ? 3 : 4
            evaluator.apply(.event(ProfileEvent(userId: user, timestampMs: 5_000, fields: ["type": .string("view")])), to: &state)
            evaluator.evaluate(&state)
            states.append(state)
        }
        #expect(states[0].metricStates.count == 2)
        let writes = states.map { ProfileWrite(old: nil, new: $0, partition: 0, stateKeys: writer.stateKeys) }
        #expect(try RedisProfileStore(connection: redis).write(writes, updatedMs: 1) == [.written, .written])
        let listKey = ProfileKeys.stateKeys(writer.stateKeys.fingerprint)
        #expect(try redis.command("GET", listKey).string == writer.stateKeys.names.joined(separator: "\n"))
        let blob = try #require(try redis.command("GET", ProfileKeys.state("u3")).bytes)
        #expect(ProfileStateCodec.stateKeysFingerprint(blob) == writer.stateKeys.fingerprint)
        #expect(blob.firstRange(of: Array(writer.stateKeys.names[0].utf8)) == nil, "no state name in the blob")

        // Another definition set, and a store that has read no list yet.
        let reader = try definitions(["events", "orders", "visits"])
        #expect(reader.stateKeys.fingerprint != writer.stateKeys.fingerprint)
        let loaded = try RedisProfileStore(connection: redis).loadStates(["u3", "u4", "nobody"], definitions: reader)
        #expect(loaded.count == 3 && loaded[2] == nil)
        #expect(loaded[0]?.state.metricStates == states[0].metricStates)
        #expect(loaded[1]?.state.metricStates == states[1].metricStates)

        try redis.command("DEL", listKey)
        #expect(throws: StateKeysMissing.self) { try RedisProfileStore(connection: redis).loadStates(["u3"], definitions: reader) }
        // The writer's own definitions need nothing from Redis.
        #expect(try RedisProfileStore(connection: redis).loadStates(["u3"], definitions: writer).first??.state.metricStates == states[0].metricStates)
    }
}
