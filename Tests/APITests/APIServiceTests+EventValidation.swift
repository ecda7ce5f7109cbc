import Foundation
import HummingbirdTesting
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
