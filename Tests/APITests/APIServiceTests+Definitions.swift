import Foundation
import HummingbirdTesting
import Kafka
import Testing

extension APIServiceTests {
    @Test func aTagLangErrorAnswers400WithLineAndColumn() async throws {
        let env = try APITestEnvironment()
        try await env.withClient { client in
            let (status, body) = try await client.call(.post, "/v1/tags", auth: env.admin, body: #"{"name":"big","expression":"metric.orders_7d >\n  and true"}"#)
            #expect(status == .badRequest)
            #expect(body.errorCode == "invalid_definition")
            #expect(body.error["field"] as? String == "expression")
            #expect(body.error["line"] as? Int == 2)
            #expect(body.error["column"] as? Int == 3)
            let (unknown, unknownBody) = try await client.call(.post, "/v1/tags", auth: env.admin, body: #"{"name":"big","expression":"metric.nope > 1"}"#)
            #expect(unknown == .badRequest)
            #expect(unknownBody.error["line"] as? Int == 1)
            #expect(unknownBody.error["column"] as? Int == 1)
        }
    }

    @Test func definitionsLifecycleThroughTheStore() async throws {
        let env = try APITestEnvironment()
        try await env.withClient { client in
            let metric = #"{"name":"orders_7d","aggregation":"count","window":"7d","filter":"event.type == \"order\"","status":"active"}"#
            let (created, createdBody) = try await client.call(.post, "/v1/metrics", auth: env.admin, body: metric)
            #expect(created == .created)
            #expect(createdBody["version"] as? Int == 1)
            #expect(createdBody["author"] as? String == "api:test-admin")
            #expect(createdBody["published"] is NSNull)
            #expect(try await client.call(.post, "/v1/metrics", auth: env.admin, body: metric).0 == .conflict)

            let (shown, shownBody) = try await client.call(.get, "/v1/metrics/orders_7d", auth: env.reader)
            #expect(shown == .ok)
            #expect((shownBody["definition"] as? [String: Any])?["window"] as? String == "7d")

            let changed = #"{"aggregation":"count","window":"30d","filter":"event.type == \"order\"","status":"active"}"#
            let (updated, updatedBody) = try await client.call(.put, "/v1/metrics/orders_7d?note=longer", auth: env.admin, body: changed)
            #expect(updated == .ok)
            #expect(updatedBody["version"] as? Int == 2)
            #expect(try await client.call(.put, "/v1/metrics/orders_7d", auth: env.admin, body: changed).1["version"] as? Int == 2)  // no change
            #expect(try await client.call(.put, "/v1/metrics/other", auth: env.admin, body: changed).0 == .notFound)
            let (partial, partialBody) = try await client.call(.put, "/v1/metrics/orders_7d", auth: env.admin, body: #"{"description":"orders"}"#)
            #expect(partial == .ok)
            #expect(partialBody["version"] as? Int == 3)
            #expect(partialBody["status"] as? String == "active")  // fields not given stay
            #expect((partialBody["definition"] as? [String: Any])?["window"] as? String == "30d")
            #expect(try await client.call(.put, "/v1/metrics/orders_7d", auth: env.admin, body: #"{"name":"x","aggregation":"count","window":"7d"}"#).0 == .badRequest)

            let tag = #"{"name":"buyer","expression":"metric.orders_7d > 0","category":"commerce","status":"active"}"#
            #expect(try await client.call(.post, "/v1/tags", auth: env.admin, body: tag).0 == .created)
            let (retired, retiredBody) = try await client.call(.delete, "/v1/tags/buyer", auth: env.admin)
            #expect(retired == .ok)
            #expect(retiredBody["status"] as? String == "retired")
            let (history, historyBody) = try await client.call(.get, "/v1/tags/buyer/history", auth: env.reader)
            #expect(history == .ok)
            #expect((historyBody["versions"] as? [[String: Any]])?.compactMap { $0["status"] as? String } == ["active", "retired"])
            let (listed, listedBody) = try await client.call(.get, "/v1/metrics?status=active", auth: env.reader)
            #expect(listed == .ok)
            #expect((listedBody["metrics"] as? [[String: Any]])?.count == 1)
            #expect(try await client.call(.get, "/v1/tags?status=gone", auth: env.reader).0 == .badRequest)
            #expect(try await client.call(.get, "/v1/tags/nothing", auth: env.reader).0 == .notFound)
            #expect(try await client.call(.get, "/v1/tags/nothing/history", auth: env.reader).0 == .notFound)
        }
    }

    @Test func definitionBodiesWithWrongTypesOrUnknownFieldsAre400() async throws {
        let env = try APITestEnvironment()
        try await env.withClient { client in
            for body in [
                #"{"name":5,"aggregation":"count","window":"7d"}"#, #"{"name":"m","aggregation":"sideways","window":"7d"}"#,
                #"{"name":"m","aggregation":"count","window":"7 parsecs"}"#, #"{"name":"m","aggregation":"count"}"#,
                #"{"name":"m","aggregation":"count","window":"7d","colour":"red"}"#, #"{"name":"Bad Name","aggregation":"count","window":"7d"}"#,
                #"["name"]"#, #"{"name":"m","aggregation":"sum","window":"7d"}"#,
            ] {
                let (status, answer) = try await client.call(.post, "/v1/metrics", auth: env.admin, body: body)
                #expect(status == .badRequest, "\(body)")
                #expect(answer.errorCode != nil, "\(body)")
            }
        }
    }

    @Test func changesArePublishedOnTheControlTopicWhenPublishingIsOn() async throws {
        let env = try APITestEnvironment()
        try await env.withClient(publishesDefinitions: true) { client in
            let (status, body) = try await client.call(.post, "/v1/tags", auth: env.admin, body: #"{"name":"everyone","expression":"true"}"#)
            #expect(status == .created)
            #expect(body["published"] as? Bool == true)
        }
        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: env.cluster.bootstrapServers), groupId: "api-control", sessionTimeoutMs: 6_000))
        try consumer.subscribe(["apitest.control"])
        var messages: [KafkaMessage] = []
        for _ in 0..<400 where messages.isEmpty { messages += try consumer.poll(timeoutMs: 200) }
        consumer.close()
        #expect(messages.map { String(decoding: $0.key ?? [], as: UTF8.self) } == ["tag:everyone"])
    }
}
