import Hummingbird
import JSON
import Kafka

/// `POST /v1/events`: checks the whole batch, then produces each event to `<prefix>.events`
/// keyed by user id and answers 202 only once Kafka acknowledged every one, with each event's
/// `event_id` (assigned when the client sent none) so a retry after a 503 is safe.
enum EventRoutes {
    static func register(_ routes: APIRoutes) {
        let services = routes.services
        let topic = "\(services.configuration.topicPrefix).events"
        let producer = services.configuration.producer
        routes.post("/v1/events", role: .collector) { request, _ in
            let batch = try EventBatch(try await RequestBody.json(request))
            // Users in parallel; one user's events one after the other, so they reach the
            // partition in the order sent.
            var byUser: [[UInt8]: [[UInt8]]] = [:]
            for message in batch.messages { byUser[message.key, default: []].append(message.value) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (key, values) in byUser {
                    group.addTask {
                        // A delivery report does not answer cancellation: without this a timed-out
                        // request would be answered only at Kafka's own message timeout.
                        for value in values {
                            _ = try await CancellableWait.detached { try await producer.send(topic: topic, key: key, value: value) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            return JSONValue.object([
                "accepted": .integer(Int64(batch.messages.count)), "event_ids": .array(batch.eventIds.map(JSONValue.string)),
            ]).response(status: .accepted)
        }
    }
}
