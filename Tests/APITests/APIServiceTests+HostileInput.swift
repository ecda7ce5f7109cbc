import Foundation
import HummingbirdTesting
import PortraitCore
import PortraitMetadata
@testable import PortraitAPI
@testable import PortraitSegments
import TagLang
import Testing

/// Issue 17 items 8, 2 and 9 in-process: wrong or raw errors become 400s naming the field and
/// the limit; long lists stay cheap; timed-out requests stop waiting; readiness sees Kafka.
extension APIServiceTests {
    // MARK: item 8 — errors that name the field and the limit

    @Test func expressionsOverTheLimitAreA400NamingTheFieldNotA503() async throws {
        let env = try APITestEnvironment()
        try Self.writeBitmaps(env)
        let huge = Array(repeating: "tag.buyer", count: 7_000).joined(separator: " or ")  // ~90 KB
        try await env.withClient { client in
            let (segment, segmentAnswer) = try await client.call(.post, "/v1/segments:count", auth: env.reader, body: "{\"expression\": \(Self.jsonString(huge))}")
            #expect(segment == .badRequest)
            #expect(segmentAnswer.error["field"] as? String == "expression")
            #expect((segmentAnswer.error["message"] as? String)?.contains("\(TagLangLimits.maxSourceBytes) bytes") == true, "\(segmentAnswer)")

            let tag = "{\"name\":\"big\",\"expression\": \(Self.jsonString(huge))}"
            let (created, createdAnswer) = try await client.call(.post, "/v1/tags", auth: env.admin, body: tag)
            #expect(created == .badRequest, "\(createdAnswer)")
            #expect(createdAnswer.error["field"] as? String == "expression")

            let longText = String(repeating: "d", count: 70_000)
            let described = "{\"name\":\"described\",\"expression\":\"true\",\"description\": \"\(longText)\"}"
            let (tooLong, tooLongAnswer) = try await client.call(.post, "/v1/tags", auth: env.admin, body: described)
            #expect(tooLong == .badRequest, "\(tooLongAnswer.error)")
            #expect(tooLongAnswer.error["field"] as? String == "description")
            #expect((tooLongAnswer.error["message"] as? String)?.contains("\(DefinitionTextLimits.maxDescriptionBytes)") == true)

            let saved = "{\"name\":\"big_segment\",\"expression\": \(Self.jsonString(huge))}"
            let (savedStatus, savedAnswer) = try await client.call(.post, "/v1/segments", auth: env.admin, body: saved)
            #expect(savedStatus == .badRequest, "\(savedAnswer)")
            #expect(savedAnswer.error["field"] as? String == "expression")
        }
    }

    @Test func aBadAggregationListsTheChoices() async throws {
        let env = try APITestEnvironment()
        try await env.withClient { client in
            let body = #"{"name":"spend","aggregation":"median","field":"amount","window":"30d"}"#
            let (status, answer) = try await client.call(.post, "/v1/metrics", auth: env.admin, body: body)
            #expect(status == .badRequest)
            #expect(answer.error["field"] as? String == "aggregation")
            let message = answer.error["message"] as? String ?? ""
            #expect(message.contains("count, sum, min, max, avg"), "\(message)")
            #expect(message.contains("median"))
            #expect(!message.contains("Cannot initialize"))
            let (kind, kindAnswer) = try await client.call(.post, "/v1/tags", auth: env.admin, body: #"{"name":"t","kind":"fuzzy","expression":"true"}"#)
            #expect(kind == .badRequest)
            #expect(kindAnswer.error["field"] as? String == "kind")
        }
    }

    @Test func aHugePathIdIsA400WithTheStandardBody() async throws {
        let env = try APITestEnvironment()
        try await env.withClient { client in
            let id = String(repeating: "u", count: 100_000)
            let (status, answer) = try await client.call(.get, "/v1/profiles/\(id)", auth: env.reader)
            #expect(status == .badRequest)
            #expect(answer.errorCode == "path_too_long")
            #expect(answer.error["field"] as? String == "userId")
            #expect((answer.error["message"] as? String)?.contains("limit is 256 bytes") == true)
            let (tag, tagAnswer) = try await client.call(.get, "/v1/tags/\(id)", auth: env.reader)
            #expect(tag == .badRequest)
            #expect(tagAnswer.error["field"] as? String == "name")
        }
    }

    @Test func deeplyNestedBodiesAndLongNumbersSaySo() async throws {
        let env = try APITestEnvironment()
        try await env.withClient { client in
            let nested = "{\"events\":" + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
            let (status, answer) = try await client.call(.post, "/v1/events", auth: env.collector, body: nested)
            #expect(status == .badRequest)
            #expect(answer.errorCode == "nested_too_deeply")
            #expect((answer.error["message"] as? String)?.contains("nested too deeply") == true)

            let digits = String(repeating: "9", count: 5_000)
            let number = #"{"events":[{"user_id":"u","type":"view","ts":1,"amount":"# + digits + "}]}"
            let (numberStatus, numberAnswer) = try await client.call(.post, "/v1/events", auth: env.collector, body: number)
            #expect(numberStatus == .badRequest)
            #expect(numberAnswer.errorCode == "number_too_long")

            // Inside a string, brackets and digits are text.
            let text = #"{"events":[{"user_id":"u","type":"view","ts":1,"item_id":""# + String(repeating: "[9", count: 200) + #""}]}"#
            #expect(try await client.call(.post, "/v1/events", auth: env.collector, body: text).0 == .accepted)
        }
    }

    // MARK: item 2 — long lists, bounded plans, timed-out requests

    @Test func aFiveThousandItemListRunsThroughSegmentsAndDefinitions() async throws {
        let env = try APITestEnvironment()
        try Self.writeBitmaps(env)
        // 5,000 items inside the 32 KiB limit: short strings, one of them a value users hold.
        let values = (0..<TagLangLimits.maxListItems).map { $0 == 7 ? "\"gold\"" : "\"x\"" }.joined(separator: ",")
        let expression = "tag.tier in [\(values)]"
        let plan = try SegmentPlan(parsing: expression, kinds: ["tier": .enumerated])
        #expect(plan.depth <= 14, "a balanced OR, not a 5,000-level chain")
        // Sent as one BITOP OR of 5,000 keys (and its PEXPIRE), not 4,999 BITOPs.
        var commands = ShardCommands(shard: 0, prefix: "tmp:test")
        _ = commands.emit(plan)
        #expect(commands.commands.count == 2, "\(commands.commands.count) commands for one list")
        #expect(commands.commands.first?.count == 3 + TagLangLimits.maxListItems)
        try await env.withClient { client in
            let (status, answer) = try await client.call(.post, "/v1/segments:count", auth: env.reader, body: "{\"expression\": \(Self.jsonString(expression))}")
            #expect(status == .ok, "\(answer)")
            #expect(answer["count"] as? Int == 2)
            let tag = "{\"name\":\"listed\",\"expression\": \(Self.jsonString(expression))}"
            let (created, createdAnswer) = try await client.call(.post, "/v1/tags", auth: env.admin, body: tag)
            #expect(created == .created, "\(createdAnswer)")
        }
        #expect((try env.redis.command("KEYS", "tmp:*").array ?? []).isEmpty)
    }

    @Test func aTimedOutEventRequestAnswersBeforeKafkaGivesUp() async throws {
        let env = try APITestEnvironment()
        try env.cluster.setBrokerDown(1)
        defer { try? env.cluster.setBrokerUp(1) }
        try await env.withClient(configure: { $0.requestTimeoutSeconds = 1 }) { client in
            let (status, answer) = try await client.call(.post, "/v1/events", auth: env.collector, body: #"{"events":[{"user_id":"u1","type":"view","ts":1}]}"#)
            #expect(status == .serviceUnavailable)
            #expect(answer.errorCode == "timeout")
            // Kafka's message timeout (10 s) has not run out yet: the answer did not wait for it.
            #expect(env.producer.deliveredCount == 0)
        }
    }

    // MARK: item 9 — readiness reflects Kafka

    @Test func readinessFailsWhileKafkaIsDown() async throws {
        let env = try APITestEnvironment()
        try await env.withClient { client in
            let (ready, readyBody) = try await client.call(.get, "/readyz", auth: env.reader)
            #expect(ready == .ok, "\(readyBody)")
            #expect(readyBody["kafka"] as? String == "ok")
            try env.cluster.setBrokerDown(1)
            defer { try? env.cluster.setBrokerUp(1) }
            let (down, downBody) = try await client.call(.get, "/readyz", auth: env.reader)
            #expect(down == .serviceUnavailable, "\(downBody)")
            #expect(downBody["kafka"] as? String != "ok")
            #expect(downBody["redis"] as? String == "ok")
        }
    }
}
