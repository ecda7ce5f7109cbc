import Foundation
import HummingbirdTesting
import PortraitProcessor
import Redis
import Testing

/// Issue 16: over a real socket, each connection's requests run on its event loop
/// (`EventLoopHTTP1Channel`) and send to Redis on that loop's connections; answers must be the
/// same as through the router, and a timed-out request must not end its keep-alive connection.
extension APIServiceTests {
    @Test func liveServerAnswersManyConcurrentProfileReadsEachWithItsOwnProfile() async throws {
        let env = try APITestEnvironment()
        let users = 40
        for user in 0..<users {
            _ = try env.redis.command("HSET", ProfileKeys.profile("u\(user)"), "a.n", String(user), "t.even", user % 2 == 0 ? "true" : "false", "_updated", "1767225600000")
        }
        let reader = env.reader
        try await env.withClient(mode: .live) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 0..<5 {
                    for user in 0..<users {
                        group.addTask {
                            let (status, body) = try await client.call(.get, "/v1/profiles/u\(user)", auth: reader)
                            #expect(status == .ok, "round \(round) user \(user): \(body)")
                            #expect(body["user_id"] as? String == "u\(user)")
                            #expect((body["attributes"] as? [String: Any])?["n"] as? Int == user)
                            #expect((body["tags"] as? [String: Any])?["even"] as? Bool == (user % 2 == 0))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let (missing, answer) = try await client.call(.get, "/v1/profiles/nobody", auth: reader)
            #expect(missing == .notFound)
            #expect(answer.errorCode == "not_found")
        }
    }

    @Test func liveServerTimesOutARequestAndKeepsServingTheConnection() async throws {
        let env = try APITestEnvironment()
        try Self.writeProfile(env.redis)
        try env.cluster.setBrokerDown(1)
        defer { try? env.cluster.setBrokerUp(1) }
        try await env.withClient(mode: .live, configure: { $0.requestTimeoutSeconds = 1 }) { client in
            let (status, answer) = try await client.call(.post, "/v1/events", auth: env.collector, body: #"{"events":[{"user_id":"u1","type":"view","ts":1}]}"#)
            #expect(status == .serviceUnavailable)
            #expect(answer.errorCode == "timeout")
            let (next, profile) = try await client.call(.get, "/v1/profiles/42", auth: env.reader)
            #expect(next == .ok, "\(profile)")
            #expect(profile["user_id"] as? String == "42")
        }
    }
}
