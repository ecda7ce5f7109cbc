import Foundation
import HummingbirdTesting
import Kafka
import PortraitCore
import PortraitProcessor
import Testing

/// Issue 17 item 3: the API refuses with a 400 exactly what the processor would dead-letter.
extension APIServiceTests {
    /// Events the API once answered 202 and the processor then dead-lettered.
    static let deadLetteredEvents: [(event: String, field: String)] = [
        (#"{"user_id":"u1","type":"view","ts":-5}"#, "ts"),
        (#"{"user_id":"u1","type":"view","ts":99999999999999999}"#, "ts"),
        (#"{"user_id":"u1","type":"view","ts":"9999-01-01T00:00:00Z"}"#, "ts"),
        (#"{"user_id":""# + String(repeating: "x", count: 100_000) + #"","type":"view","ts":1}"#, "user_id"),
        (#"{"user_id":""# + String(repeating: "é", count: 129) + #"","type":"view","ts":1}"#, "user_id"),
        (#"{"user_id":1.5,"type":"view","ts":1}"#, "user_id"),
        (#"{"user_id":"u1","type":7,"ts":1}"#, "type"),
        (#"{"user_id":"u1","type":"view","ts":1,"event_id":""}"#, "event_id"),
        (#"{"user_id":"u1","type":"view","ts":1,"event_id":""# + String(repeating: "e", count: 129) + #""}"#, "event_id"),
    ]

    @Test func eventsTheProcessorWouldDeadLetterAreRefusedWithTheField() async throws {
        let env = try APITestEnvironment()
        let decoder = InputDecoder(mapping: ProfileMapping(), topicPrefix: "apitest", eventFieldTypes: DefinitionValidator.standardEventFields)
        try await env.withClient { client in
            for (event, field) in Self.deadLetteredEvents {
                // The processor's verdict on the same bytes.
                guard case .deadLetter = decoder.decode(topic: "apitest.events", value: Array(event.utf8)) else {
                    Issue.record("the processor folds \(event.prefix(80))")
                    continue
                }
                let (status, answer) = try await client.call(.post, "/v1/events", auth: env.collector, body: #"{"events":["# + event + "]}")
                #expect(status == .badRequest, "\(event.prefix(80))")
                #expect(answer.error["field"] as? String == "events[0].\(field)", "\(event.prefix(80)): \(answer)")
            }
            let (status, answer) = try await client.call(.post, "/v1/events", auth: env.collector, body: #"{"events":["# + Self.deadLetteredEvents[3].event + "]}")
            #expect(status == .badRequest)
            #expect((answer.error["message"] as? String)?.contains("limit is \(EventValidator.maxUserIdBytes) bytes") == true)
        }
        #expect(env.producer.deliveredCount == 0)
    }

    @Test func eventsAtTheLimitsAreAcceptedAndFolded() async throws {
        let env = try APITestEnvironment()
        let decoder = InputDecoder(mapping: ProfileMapping(), topicPrefix: "apitest", eventFieldTypes: DefinitionValidator.standardEventFields)
        let edge = [
            #"{"user_id":""# + String(repeating: "x", count: EventValidator.maxUserIdBytes) + #"","type":"view","ts":0}"#,
            #"{"user_id":"u2","type":"view","ts":"2199-12-31T23:59:59Z"}"#,
            #"{"user_id":42,"type":"view","ts":7258118400000,"event_id":"a-b-c"}"#,
        ]
        for event in edge {
            guard case .input = decoder.decode(topic: "apitest.events", value: Array(event.utf8)) else {
                Issue.record("the processor dead-letters \(event.prefix(80))")
                continue
            }
        }
        try await env.withClient { client in
            let (status, answer) = try await client.call(.post, "/v1/events", auth: env.collector, body: #"{"events":["# + edge.joined(separator: ",") + "]}")
            #expect(status == .accepted, "\(answer)")
        }
    }
}

/// Issue 17 item 4 (API side): every accepted event carries an `event_id` on Kafka — the
/// client's, or one the API assigned — and the 202 returns them in order.
extension APIServiceTests {
    @Test func acceptedEventsCarryTheirEventIdsToKafka() async throws {
        let env = try APITestEnvironment()
        let body = #"{"events":[{"user_id":"u1","type":"view","ts":1,"event_id":"client-1"},{"user_id":"u2","type":"view","ts":2}]}"#
        let ids: [String] = try await env.withClientReturning { client in
            let (status, answer) = try await client.call(.post, "/v1/events", auth: env.collector, body: body)
            #expect(status == .accepted, "\(answer)")
            return answer["event_ids"] as? [String] ?? []
        }
        #expect(ids.count == 2)
        #expect(ids.first == "client-1")
        #expect(ids.last.map { UUID(uuidString: $0) != nil } == true, "an assigned id is a UUID: \(ids)")
        let consumer = try KafkaConsumer(configuration: KafkaConsumerConfiguration(
            client: KafkaClientConfiguration(bootstrapServers: env.cluster.bootstrapServers), groupId: "api-event-ids", sessionTimeoutMs: 6_000))
        try consumer.subscribe(["apitest.events"])
        var messages: [KafkaMessage] = []
        for _ in 0..<400 where messages.count < 2 { messages += try consumer.poll(timeoutMs: 200) }
        consumer.close()
        let onKafka = messages.compactMap { message -> String? in
            guard let value = message.value, let object = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any] else { return nil }
            return object["event_id"] as? String
        }
        #expect(Set(onKafka) == Set(ids))
    }
}

extension APITestEnvironment {
    /// `withClient` for a body that returns a value.
    func withClientReturning<T: Sendable>(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let box = ResultBox<T>()
        try await withClient { client in box.value = try await body(client) }
        guard let value = box.value else { throw RawHTTPClient.Failure(description: "the client body did not run") }
        return value
    }
}

/// Carries a value out of a `@Sendable` closure that runs exactly once, before it is read.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    // @unchecked: written once inside withClient's body and read only after withClient returned.
    var value: T?
}
