import HummingbirdTesting
import Testing

extension APIServiceTests {
    /// Client mistakes are 4xx with the JSON error shape, never a 500.
    @Test func clientMistakesNeverAnswer500() async throws {
        let env = try APITestEnvironment()
        let huge = "{\"user_ids\":[\"" + String(repeating: "x", count: 2 << 20) + "\"]}"
        let bodies = ["{", "", "null", "[]", "42", "\"text\"", "{\"a\":", "{\"user_ids\": \"x\"}", "{\"expression\": 5}", "{\"events\": {}}",
                      "{\"user_ids\": [], \"extra\": 1}", "{\"expression\": \"tag.a\", \"extra\": 1}", "\u{FF}\u{FE}", huge]
        let routes = ["/v1/profiles:batchGet", "/v1/segments:count", "/v1/events", "/v1/metrics", "/v1/tags"]
        try await env.withClient { client in
            for route in routes {
                for body in bodies {
                    let (status, answer) = try await client.call(.post, route, auth: env.admin, body: body)
                    #expect((400..<500).contains(status.code), "\(route) \(body.prefix(40)) → \(status)")
                    #expect(answer.errorCode != nil, "\(route) \(body.prefix(40))")
                }
                let (status, answer) = try await client.call(.post, route, auth: env.admin, body: huge)
                #expect(status == .contentTooLarge, "\(route)")
                #expect(answer.errorCode == "body_too_large")
            }
            let (missing, missingBody) = try await client.call(.get, "/v1/nothing-here", auth: env.reader)
            #expect(missing == .notFound)
            #expect(missingBody.errorCode == "not_found")
            #expect(try await client.call(.patch, "/v1/tags", auth: env.admin).0.code < 500)
            #expect(try await client.call(.post, "/v1/profiles:batchGet", auth: env.reader, body: #"{"user_ids":[null, 1.5]}"#).0 == .badRequest)
        }
    }
}
