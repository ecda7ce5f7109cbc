import Foundation
import HummingbirdTesting
import PortraitAPI
import PortraitCore
import PortraitMetadata
@testable import PortraitProcessor
import Redis
import Testing
import TagLang

/// Profiles written through the processor's own write script, so the population bitmap, the
/// id map, the tag bitmaps and value sets are what a live run leaves; checked against a
/// brute-force count over every stored profile hash.
extension APIServiceTests {
    static let portraitMapping: ProfileMapping = {
        var mapping = ProfileMapping()
        mapping.profileTables = [ProfileMapping.ProfileTable(
            table: "shop.users", userIdColumn: "id",
            attributes: [.init(name: "city", column: "city", type: .string), .init(name: "age", column: "age", type: .number)])]
        return mapping
    }()

    /// `count` users u1…: city among four (or none), orders 0…19 (or none), buyer/vip booleans
    /// and an enumerated tier (gold, silver or none), in a fixed pseudo-random pattern.
    static func writeProfiles(_ env: APITestEnvironment, count: Int) throws {
        let definitions = DefinitionStore(connection: env.mysql)
        for name in ["buyer", "vip"] { try definitions.create(TagDefinition(name: name, expression: "true", status: .active), author: "t") }
        try definitions.create(TagDefinition(name: "tier", kind: .enumerated, expression: "\"gold\"", status: .active), author: "t")
        try definitions.create(MetricDefinition(name: "orders", aggregation: .count, window: try MetricWindow(parsing: "30d"), status: .active), author: "t")
        let store = RedisProfileStore(connection: env.redis)
        var generator = SplitMix(seed: 42)
        let first = try store.reserveDenseIds(count)
        let writes = (0..<count).map { index -> ProfileWrite in
            var state = ProfileState(userId: "u\(index + 1)")
            state.denseId = first + Int64(index)
            state.clockMs = 1_700_000_000_000
            let cities = ["Paris", "Lyon", "Nice", "Lille"]
            if generator.next() % 5 != 0 { state.attributes["city"] = .string(cities[Int(generator.next() % 4)]) }
            state.attributes["age"] = .number(Double(18 + generator.next() % 50))
            if generator.next() % 4 != 0 { state.metricValues["orders"] = .number(Double(generator.next() % 20)) }
            state.tags["buyer"] = .bool(generator.next() % 2 == 0)
            state.tags["vip"] = .bool(generator.next() % 7 == 0)
            switch generator.next() % 3 {
            case 0: state.tags["tier"] = .string("gold")
            case 1: state.tags["tier"] = .string("silver")
            default: state.tags["tier"] = .null
            }
            return ProfileWrite(old: nil, new: state, partition: 0)
        }
        #expect(try store.write(writes, updatedMs: 1).allSatisfy { $0 == .written })
    }

    /// Every stored profile hash, by brute force.
    static func allProfiles(_ env: APITestEnvironment) throws -> [[String: String]] {
        let keys = (try env.redis.command("KEYS", "p:{*}").array ?? []).compactMap(\.string)
        let users = keys.map { String($0.dropFirst(3).dropLast()) }
        return try RedisProfileStore(connection: env.redis).profiles(users)
    }

    @Test func groupPortraitEqualsBruteForce() async throws {
        let env = try APITestEnvironment()
        try Self.writeProfiles(env, count: 240)
        let profiles = try Self.allProfiles(env)
        #expect(profiles.count == 240)
        let segment = profiles.filter { $0["t.buyer"] == "true" && $0["t.tier"] != "gold" }
        try await env.withClient(mapping: Self.portraitMapping) { client in
            let body = #"{"expression": "tag.buyer and not tag.tier == \"gold\"", "metrics": ["orders"], "sample_size": 1000, "bins": 4}"#
            let (status, answer) = try await client.call(.post, "/v1/segments:portrait", auth: env.reader, body: body)
            #expect(status == .ok, "\(answer)")
            #expect(answer["size"] as? Int == segment.count)
            #expect(answer["population"] as? Int == 240)
            for tag in answer["boolean_tags"] as? [[String: Any]] ?? [] {
                let name = tag["tag"] as? String ?? ""
                #expect(tag["segment_count"] as? Int == segment.filter { $0["t.\(name)"] == "true" }.count, "\(name)")
                #expect(tag["population_count"] as? Int == profiles.filter { $0["t.\(name)"] == "true" }.count, "\(name)")
            }
            #expect((answer["boolean_tags"] as? [Any])?.count == 2)
            let tier = (answer["enumerated_tags"] as? [[String: Any]])?.first { $0["tag"] as? String == "tier" }
            let values = tier?["values"] as? [[String: Any]] ?? []
            #expect(values.compactMap { $0["value"] as? String }.sorted() == ["gold", "silver"])
            for value in values {
                let text = value["value"] as? String ?? ""
                #expect(value["segment_count"] as? Int == segment.filter { $0["t.tier"] == text }.count, "\(text)")
                #expect(value["population_count"] as? Int == profiles.filter { $0["t.tier"] == text }.count, "\(text)")
            }
            // Sampled parts are exact here: both groups are smaller than the sample.
            let attributes = answer["attributes"] as? [String: Any] ?? [:]
            #expect(attributes["segment_sample_size"] as? Int == segment.count)
            #expect(attributes["population_sample_size"] as? Int == 240)
            let items = attributes["items"] as? [[String: Any]] ?? []
            #expect(items.compactMap { $0["attribute"] as? String } == ["city"])  // numbers are not categories
            for value in items.first?["values"] as? [[String: Any]] ?? [] {
                let city = value["value"] as? String
                #expect(value["segment_count"] as? Int == segment.filter { $0["a.city"] == city }.count, "\(city ?? "none")")
                #expect(value["population_count"] as? Int == profiles.filter { $0["a.city"] == city }.count, "\(city ?? "none")")
            }
            let orders = (answer["metrics"] as? [[String: Any]])?.first ?? [:]
            let segmentOrders = segment.compactMap { $0["m.orders"].flatMap(Double.init) }
            let bins = orders["bins"] as? [[String: Any]] ?? []
            #expect(bins.count == 4)
            #expect(bins.reduce(0) { $0 + ($1["segment_count"] as? Int ?? 0) } == segmentOrders.count)
            #expect(bins.reduce(0) { $0 + ($1["population_count"] as? Int ?? 0) } == profiles.filter { $0["m.orders"] != nil }.count)
            #expect(orders["segment_missing"] as? Int == segment.count - segmentOrders.count)
            let mean = orders["segment_mean"] as? Double ?? .nan
            #expect(abs(mean - segmentOrders.reduce(0, +) / Double(segmentOrders.count)) < 1e-9)
            let firstBin = bins.first ?? [:]
            let low = firstBin["lower"] as? Double ?? .nan, high = firstBin["upper"] as? Double ?? .nan
            #expect(firstBin["segment_count"] as? Int == segmentOrders.filter { $0 >= low && $0 < high }.count)
        }
        #expect((try env.redis.command("KEYS", "tmp:*").array ?? []).isEmpty)
    }

    /// A smaller sample than the group: the sample size is stated and counts add up to it.
    @Test func groupPortraitSamplesLargeGroups() async throws {
        let env = try APITestEnvironment()
        try Self.writeProfiles(env, count: 120)
        try await env.withClient(mapping: Self.portraitMapping) { client in
            let (status, answer) = try await client.call(.post, "/v1/segments:portrait", auth: env.reader, body: #"{"expression": "true", "sample_size": 50}"#)
            #expect(status == .ok, "\(answer)")
            #expect(answer["size"] as? Int == 120)
            let attributes = answer["attributes"] as? [String: Any] ?? [:]
            #expect(attributes["segment_sample_size"] as? Int == 50)
            let city = (attributes["items"] as? [[String: Any]])?.first?["values"] as? [[String: Any]] ?? []
            #expect(city.reduce(0) { $0 + ($1["segment_count"] as? Int ?? 0) } == 50)
            for (body, field) in [(#"{"expression": "true", "sample_size": 0}"#, "sample_size"), (#"{"expression": "true", "metrics": ["ghost"]}"#, "metrics[0]"),
                                  (#"{"expression": "true", "bins": "4"}"#, "bins")] {
                let (bad, error) = try await client.call(.post, "/v1/segments:portrait", auth: env.reader, body: body)
                #expect(bad == .badRequest, "\(body)")
                #expect(error.error["field"] as? String == field, "\(body)")
            }
        }
    }

    @Test func segmentExportPagesThroughEveryMemberOnce() async throws {
        let env = try APITestEnvironment()
        try Self.writeProfiles(env, count: 240)
        let expected = Set(try Self.allProfiles(env).filter { $0["t.buyer"] == "true" || $0["t.vip"] == "true" }.compactMap { $0["_id"] })
        try await env.withClient { client in
            var cursor: String? = nil
            var seen: [String] = []
            var pages = 0
            repeat {
                let cursorJSON = cursor.map { "\"\($0)\"" } ?? "null"
                let (status, page) = try await client.call(.post, "/v1/segments:export", auth: env.reader,
                                                           body: #"{"expression": "tag.buyer or tag.vip", "limit": 25, "cursor": \#(cursorJSON)}"#)
                #expect(status == .ok, "\(page)")
                seen += page["user_ids"] as? [String] ?? []
                cursor = page["next_cursor"] as? String
                pages += 1
            } while cursor != nil && pages < 100
            #expect(seen.count == Set(seen).count)
            let denseIds = Set(try RedisProfileStore(connection: env.redis).profiles(seen).compactMap { $0["_id"] })
            #expect(denseIds == expected)
            #expect(pages == (expected.count + 24) / 25)
            let (bad, error) = try await client.call(.post, "/v1/segments:export", auth: env.reader, body: #"{"expression": "tag.vip", "cursor": "x.y"}"#)
            #expect(bad == .badRequest)
            #expect(error.errorCode == "invalid_cursor")
        }
    }

    @Test func tagStatsCountCoverage() async throws {
        let env = try APITestEnvironment()
        try Self.writeProfiles(env, count: 90)
        let profiles = try Self.allProfiles(env)
        try await env.withClient { client in
            let (status, vip) = try await client.call(.get, "/v1/tags/vip/stats", auth: env.reader)
            #expect(status == .ok, "\(vip)")
            #expect(vip["population"] as? Int == 90)
            #expect(vip["count"] as? Int == profiles.filter { $0["t.vip"] == "true" }.count)
            let (_, tier) = try await client.call(.get, "/v1/tags/tier/stats", auth: env.reader)
            let values = tier["values"] as? [[String: Any]] ?? []
            #expect(values.first { $0["value"] as? String == "silver" }?["count"] as? Int == profiles.filter { $0["t.tier"] == "silver" }.count)
            #expect(tier["count"] as? Int == profiles.filter { $0["t.tier"] != nil }.count)
            #expect(try await client.call(.get, "/v1/tags/ghost/stats", auth: env.reader).0 == .notFound)
        }
    }

    @Test func savedSegmentsKeepVersionsAndSizes() async throws {
        let env = try APITestEnvironment()
        try Self.writeProfiles(env, count: 60)
        let buyers = try Self.allProfiles(env).filter { $0["t.buyer"] == "true" }.count
        try await env.withClient { client in
            let create = #"{"name": "buyers", "expression": "tag.buyer", "description": "anyone who bought"}"#
            #expect(try await client.call(.post, "/v1/segments", auth: env.reader, body: create).0 == .forbidden)
            let (created, first) = try await client.call(.post, "/v1/segments", auth: env.admin, body: create)
            #expect(created == .created, "\(first)")
            #expect(first["version"] as? Int == 1)
            #expect(try await client.call(.post, "/v1/segments", auth: env.admin, body: create).0 == .conflict)
            let (invalid, error) = try await client.call(.post, "/v1/segments", auth: env.admin, body: #"{"name": "bad", "expression": "tag.buyer and tag.ghost"}"#)
            #expect(invalid == .badRequest)
            #expect(error.error["column"] as? Int == 15)
            #expect(try await client.call(.post, "/v1/segments", auth: env.admin, body: #"{"name": "a b", "expression": "tag.buyer"}"#).0 == .badRequest)

            let (measured, size) = try await client.call(.post, "/v1/segments/buyers/sizes", auth: env.admin)
            #expect(measured == .created, "\(size)")
            #expect(size["size"] as? Int == buyers)
            #expect(size["population"] as? Int == 60)
            let (updated, second) = try await client.call(.put, "/v1/segments/buyers", auth: env.admin, body: #"{"expression": "tag.buyer and not tag.vip", "change_note": "no vips"}"#)
            #expect(updated == .ok, "\(second)")
            #expect(second["version"] as? Int == 2)
            _ = try await client.call(.post, "/v1/segments/buyers/sizes", auth: env.admin)

            let (_, shown) = try await client.call(.get, "/v1/segments/buyers", auth: env.reader)
            #expect((shown["versions"] as? [[String: Any]])?.compactMap { $0["expression"] as? String } == ["tag.buyer", "tag.buyer and not tag.vip"])
            let sizes = shown["sizes"] as? [[String: Any]] ?? []
            #expect(sizes.compactMap { $0["version"] as? Int } == [1, 2])
            #expect(shown["description"] as? String == "anyone who bought")
            #expect(try await client.call(.delete, "/v1/segments/buyers", auth: env.admin).0 == .noContent)
            let (_, listed) = try await client.call(.get, "/v1/segments", auth: env.reader)
            let entry = (listed["segments"] as? [[String: Any]])?.first
            #expect(entry?["status"] as? String == "retired")
            #expect((entry?["latest_size"] as? [String: Any])?["version"] as? Int == 2)
            #expect(try await client.call(.get, "/v1/segments/ghost", auth: env.reader).0 == .notFound)
            #expect(try await client.call(.post, "/v1/segments/ghost/sizes", auth: env.admin).0 == .notFound)
        }
    }

    @Test func rateLimitAnswers429WithRetryAfter() async throws {
        let env = try APITestEnvironment()
        try await env.withClient(configure: { $0.rateLimitPerSecond = 1; $0.keyCacheSeconds = 60 }) { client in
            // The bucket holds two seconds' worth: two requests pass, the third waits.
            #expect(try await client.call(.get, "/v1/tags", auth: env.reader).0 == .ok)
            #expect(try await client.call(.get, "/v1/tags", auth: env.reader).0 == .ok)
            try await client.execute(uri: "/v1/tags", method: .get, headers: [.authorization: env.reader]) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter].flatMap(Int.init).map { $0 >= 1 } == true)
            }
            #expect(try await client.call(.get, "/v1/tags", auth: env.admin).0 == .ok)  // per key
        }
        let used = try env.mysql.query("SELECT last_used_at FROM api_keys WHERE name = 'test-reader' AND last_used_at IS NOT NULL")
        #expect(used.count == 1)
    }

    @Test func timelineShowsEventsMetricHistoryAndTagChanges() async throws {
        let env = try APITestEnvironment()
        let store = RedisProfileStore(connection: env.redis)
        func event(_ ms: Int64, _ type: String, _ category: String) -> ProfileEvent {
            ProfileEvent(userId: "7", timestampMs: ms, fields: ["type": .string(type), "category": .string(category), "note": .string("say \"hi\"\n")])
        }
        var first = ProfileState(userId: "7")
        first.denseId = try store.reserveDenseIds(1)
        first.clockMs = 2_000
        first.metricValues["orders"] = .number(1)
        first.tags["vip"] = .bool(false)
        first.tags["tier"] = .string("basic")
        var second = first
        second.clockMs = 5_000
        second.metricValues["orders"] = .number(2)
        second.tags["vip"] = .bool(true)
        second.tags["tier"] = .string("gold")
        let writes = [
            ProfileWrite(old: nil, new: first, partition: 0, events: [event(1_000, "view", "books"), event(2_000, "order", "books")], tagVersions: ["vip": 2, "tier": 1]),
            ProfileWrite(old: WrittenValues(first), new: second, partition: 0, events: [event(5_000, "order", "games")], tagVersions: ["vip": 3, "tier": 1]),
        ]
        for write in writes { #expect(try store.write([write], updatedMs: 1) == [.written]) }
        // One entry per write, its changes together.
        #expect(try env.redis.command("LLEN", ProfileKeys.tagHistory("7")).int == 2)
        // An entry in the form written before 2026-12-07 (one change each) still reads.
        _ = try env.redis.command("LPUSH", ProfileKeys.tagHistory("7"), #"{"t":6000,"tag":"legacy","from":null,"to":"x","v":1}"#)
        try await env.withClient { client in
            let (status, timeline) = try await client.call(.get, "/v1/profiles/7/timeline", auth: env.reader)
            #expect(status == .ok, "\(timeline)")
            let events = timeline["events"] as? [[String: Any]] ?? []
            #expect(events.compactMap { $0["time_ms"] as? Int } == [5_000, 2_000, 1_000])
            #expect((events.first?["fields"] as? [String: Any])?["note"] as? String == "say \"hi\"\n")
            let counts = timeline["counts"] as? [String: [String: Int]] ?? [:]
            #expect(counts["by_type"] == ["view": 1, "order": 2])
            #expect(counts["by_category"] == ["books": 2, "games": 1])
            let orders = (timeline["metric_history"] as? [String: [[String: Any]]])?["orders"] ?? []
            #expect(orders.compactMap { $0["value"] as? Int } == [1, 2])
            #expect(orders.compactMap { $0["time_ms"] as? Int } == [2_000, 5_000])
            // Newest first. The first write's vip = false is no change to show; its tier is,
            // and so are both flips of the second write (the last-named tag first).
            let changes = timeline["tag_changes"] as? [[String: Any]] ?? []
            #expect(changes.compactMap { $0["tag"] as? String } == ["legacy", "vip", "tier", "tier"])
            #expect(changes.compactMap { $0["time_ms"] as? Int } == [6_000, 5_000, 5_000, 2_000])
            try #require(changes.count == 4)
            #expect(changes[1]["to"] as? Bool == true)
            #expect(changes[1]["from"] as? Bool == false)
            #expect(changes[1]["version"] as? Int == 3)
            #expect(changes[2]["from"] as? String == "basic" && changes[2]["to"] as? String == "gold")
            #expect(changes[3]["from"] is NSNull && changes[3]["to"] as? String == "basic" && changes[3]["version"] as? Int == 1)
            #expect(changes[0]["to"] as? String == "x" && changes[0]["version"] as? Int == 1)
            let (limited, two) = try await client.call(.get, "/v1/profiles/7/timeline?limit=2", auth: env.reader)
            #expect(limited == .ok)
            #expect((two["events"] as? [Any])?.count == 2)
            #expect((two["tag_changes"] as? [[String: Any]])?.compactMap { $0["tag"] as? String } == ["legacy", "vip"])
            #expect(try await client.call(.get, "/v1/profiles/7/timeline?limit=0", auth: env.reader).0 == .badRequest)
            #expect(try await client.call(.get, "/v1/profiles/8/timeline", auth: env.reader).0 == .notFound)
        }
    }

    @Test func pipelineReportsProcessorsAndPopulation() async throws {
        let env = try APITestEnvironment()
        try Self.writeProfiles(env, count: 12)
        var status = ProcessorStatus(groupId: "tests")
        status.record(inputs: 40, writes: 12, lagsMs: [5, 7, 9, 200])
        status.reportIfDue(to: env.redis, nowMs: Int64(Date().timeIntervalSince1970 * 1_000))
        try await env.withClient { client in
            let (code, pipeline) = try await client.call(.get, "/v1/pipeline", auth: env.reader)
            #expect(code == .ok, "\(pipeline)")
            #expect(pipeline["population"] as? Int == 12)
            let processor = (pipeline["processors"] as? [[String: Any]])?.first ?? [:]
            #expect((processor["name"] as? String)?.hasPrefix("tests@") == true)
            #expect(processor["inputs_total"] as? Int == 40)
            #expect(processor["freshness_ms_p99"] as? Int == 200)
            #expect(pipeline["ingest"] is [Any])
        }
    }
}

/// A small deterministic generator, so the brute-force tests see the same profiles every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E49B
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
