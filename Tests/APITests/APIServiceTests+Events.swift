import Foundation
import HummingbirdTesting
import Kafka
import Testing

extension APIServiceTests {
    @Test func validEventsAreProducedKeyedByUser() async throws {
        let env = try APITestEnvironment()
        let body = #"""
            {"events":[
              {"user_id":"42","type":"view","ts":1767225600000,"item_id":"sku-1","category":"shoes"},
              {"user_id":7,"type":"order","ts":"2026-01-01T10:00:00Z","amount":9.5,"campaign":{"id":3}}
            ]}
            """#
        try await env.withClient { client in
            let (status, answer) = try await client.call(.post, "/v1/events", auth: env.collector, body: body)
            #expect(status == .accepted)
            #expect(answer["accepted"] as? Int == 2)
        }
        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: env.cluster.bootstrapServers), groupId: "api-events", sessionTimeoutMs: 6_000))
        try consumer.subscribe(["apitest.events"])
        var messages: [KafkaMessage] = []
        for _ in 0..<400 where messages.count < 2 { messages += try consumer.poll(timeoutMs: 200) }
        consumer.close()
        #expect(Set(messages.map { String(decoding: $0.key ?? [], as: UTF8.self) }) == ["42", "7"])
        let order = try #require(messages.first { $0.key == Array("7".utf8) }?.value)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(order)) as? [String: Any])
        #expect(object["amount"] as? Double == 9.5)
        #expect(object["ts"] as? String == "2026-01-01T10:00:00Z")
    }

    @Test func anInvalidEventRefusesTheWholeBatch() async throws {
        let env = try APITestEnvironment()
        let body = #"""
            {"events":[
              {"user_id":"42","type":"view","ts":1767225600000},
              {"user_id":"42","type":"view"},
              {"user_id":"","type":"view","ts":1},
              {"user_id":"9","type":"order","ts":"yesterday"},
              {"user_id":"9","type":"order","ts":1,"amount":"lots"},
              {"user_id":true,"type":"order","ts":1},
              "not an event"
            ]}
            """#
        try await env.withClient { client in
            let (status, answer) = try await client.call(.post, "/v1/events", auth: env.collector, body: body)
            #expect(status == .badRequest)
            #expect(answer.errorCode == "invalid_events")
            #expect(answer.error["field"] as? String == "events[1].ts")
            let message = answer.error["message"] as? String ?? ""
            for part in ["events[1].ts", "events[2].user_id", "events[3].ts", "events[4].amount", "events[5].user_id", "events[6]:"] {
                #expect(message.contains(part), "\(part) in \(message)")
            }
            #expect(!message.contains("events[0]"))

            let tooMany = "{\"events\":[" + Array(repeating: #"{"user_id":"1","type":"v","ts":1}"#, count: 1_001).joined(separator: ",") + "]}"
            let (limit, limitAnswer) = try await client.call(.post, "/v1/events", auth: env.collector, body: tooMany)
            #expect(limit == .badRequest)
            #expect(limitAnswer.errorCode == "too_many_events")
            #expect(try await client.call(.post, "/v1/events", auth: env.collector, body: #"{"events":[], "source":"x"}"#).0 == .badRequest)
        }
        #expect(env.producer.deliveredCount == 0)
    }
}
