import Foundation
import HummingbirdTesting
import PortraitCore
import PortraitMetadata
import PortraitProcessor
import Redis
import TagLang
import Testing

extension APIServiceTests {
    /// A profile hash as the processor writes it, fences included.
    static func writeProfile(_ redis: RedisConnection, userId: String = "42") throws {
        _ = try redis.command(
            "HSET", ProfileKeys.profile(userId), "a.city", "Paris", "a.age", "31", "m.orders_7d", "3", "m.avg_basket", "12.5",
            "t.buyer", "true", "t.tier", "gold", "t.city_tier", "1", "f.portrait.events/0", "17", "_updated", "1767225600000", "_id", "1")
    }

    @Test func profileReadTypesValuesAndHidesFences() async throws {
        let env = try APITestEnvironment()
        try Self.writeProfile(env.redis)
        try await env.withClient { client in
            let (status, body) = try await client.call(.get, "/v1/profiles/42", auth: env.reader)
            #expect(status == .ok)
            #expect(body["user_id"] as? String == "42")
            let attributes = try #require(body["attributes"] as? [String: Any])
            #expect(attributes["city"] as? String == "Paris")
            #expect(attributes["age"] as? Int == 31)
            let metrics = try #require(body["metrics"] as? [String: Any])
            #expect(metrics["orders_7d"] as? Int == 3)
            #expect(metrics["avg_basket"] as? Double == 12.5)
            let tags = try #require(body["tags"] as? [String: Any])
            #expect(tags["buyer"] as? Bool == true)
            #expect(tags["tier"] as? String == "gold")
            #expect(tags["city_tier"] as? String == "1", "an enumerated value that looks like a number stays a string")
            #expect(body["updated_at"] as? String == "2026-01-01T00:00:00.000Z")
            #expect(!String(describing: body).contains("portrait.events/0"))
            #expect(Set(body.keys) == ["user_id", "attributes", "metrics", "tags", "updated_at"])
        }
    }

    @Test func unknownUserIs404() async throws {
        let env = try APITestEnvironment()
        try await env.withClient { client in
            let (status, body) = try await client.call(.get, "/v1/profiles/nobody", auth: env.reader)
            #expect(status == .notFound)
            #expect(body.errorCode == "not_found")
            #expect(try await client.call(.get, "/v1/profiles/nobody/tags", auth: env.reader).0 == .notFound)
            #expect(try await client.call(.get, "/v1/profiles/%ZZ", auth: env.reader).0 == .badRequest)
        }
    }

    @Test func userIdsArePercentDecoded() async throws {
        let env = try APITestEnvironment()
        try Self.writeProfile(env.redis, userId: "a b/c")
        try await env.withClient { client in
            let (status, body) = try await client.call(.get, "/v1/profiles/a%20b%2Fc", auth: env.reader)
            #expect(status == .ok)
            #expect(body["user_id"] as? String == "a b/c")
        }
    }

    @Test func fieldsSelectSections() async throws {
        let env = try APITestEnvironment()
        try Self.writeProfile(env.redis)
        try await env.withClient { client in
            let (status, body) = try await client.call(.get, "/v1/profiles/42?fields=attributes,tags", auth: env.reader)
            #expect(status == .ok)
            #expect(Set(body.keys) == ["user_id", "attributes", "tags", "updated_at"])
            let (bad, error) = try await client.call(.get, "/v1/profiles/42?fields=attributes,secrets", auth: env.reader)
            #expect(bad == .badRequest)
            #expect(error.error["field"] as? String == "fields")
            let (tagsStatus, tagsBody) = try await client.call(.get, "/v1/profiles/42/tags", auth: env.reader)
            #expect(tagsStatus == .ok)
            #expect(Set(tagsBody.keys) == ["user_id", "tags", "updated_at"])
        }
    }

    @Test func batchGetAnswersFoundAndMissingUpToTheLimit() async throws {
        let env = try APITestEnvironment()
        try Self.writeProfile(env.redis, userId: "42")
        try Self.writeProfile(env.redis, userId: "7")
        try await env.withClient { client in
            let (status, body) = try await client.call(.post, "/v1/profiles:batchGet", auth: env.reader, body: #"{"user_ids":["42", 7, "ghost"], "fields":["tags"]}"#)
            #expect(status == .ok)
            let profiles = try #require(body["profiles"] as? [[String: Any]])
            #expect(profiles.compactMap { $0["user_id"] as? String } == ["42", "7"])
            #expect(profiles.allSatisfy { $0["attributes"] == nil && $0["tags"] != nil })
            #expect(body["not_found"] as? [String] == ["ghost"])

            let tooMany = "{\"user_ids\":[" + (0...1_000).map { "\"u\($0)\"" }.joined(separator: ",") + "]}"
            let (limit, error) = try await client.call(.post, "/v1/profiles:batchGet", auth: env.reader, body: tooMany)
            #expect(limit == .badRequest)
            #expect(error.errorCode == "too_many_users")
            let exactly = "{\"user_ids\":[" + (0..<1_000).map { "\"u\($0)\"" }.joined(separator: ",") + "]}"
            #expect(try await client.call(.post, "/v1/profiles:batchGet", auth: env.reader, body: exactly).0 == .ok)
        }
    }

    @Test func explainShowsWhyATagHasItsValue() async throws {
        let env = try APITestEnvironment()
        let store = DefinitionStore(connection: env.mysql)
        try store.create(MetricDefinition(name: "orders_7d", aggregation: .count, window: try MetricWindow(parsing: "7d"), status: .active), author: "t")
        try store.create(TagDefinition(name: "buyer", expression: "metric.orders_7d >= 2", status: .active), author: "t")
        try Self.writeProfile(env.redis)
        var state = ProfileState(userId: "42")
        state.clockMs = 1_767_225_600_000
        // The state blob leaves the metric values and tags to the hash's sections, which a
        // processor writes beside it: explain reads them from there.
        _ = try env.redis.command("HSET", ProfileKeys.profile("42"), "m", #"{"orders_7d":"3"}"#, "t", #"{"buyer":"true"}"#)
        // Written under other definitions than the API's (none): their state keys list is
        // read from Redis, where a processor stores it beside its first blob.
        let keys = StateKeys(["orders_30d#00000000"])
        _ = try env.redis.command("SET", ProfileKeys.state("42"), ProfileStateCodec.encode(state, keys: keys))
        _ = try env.redis.command("SET", ProfileKeys.stateKeys(keys.fingerprint), keys.text)
        try await env.withClient { client in
            let (status, body) = try await client.call(.get, "/v1/profiles/42?explain=buyer", auth: env.reader)
            #expect(status == .ok)
            let explanation = try #require(body["explanation"] as? [String: Any])
            #expect(explanation["text"] as? String == "metric.orders_7d >= 2")
            #expect(explanation["value"] as? Bool == true)
            #expect((explanation["children"] as? [[String: Any]])?.first?["value"] as? Int == 3)
            let (unknown, error) = try await client.call(.get, "/v1/profiles/42?explain=nope", auth: env.reader)
            #expect(unknown == .badRequest)
            #expect(error.errorCode == "unknown_tag")
        }
    }
}
