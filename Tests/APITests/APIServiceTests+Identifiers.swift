import HummingbirdTesting
import Testing

extension APIServiceTests {
    /// Metric names and fields, tag names and segment names follow one rule (`Identifier`);
    /// a name outside it is a 400 naming the field, and nothing is stored.
    @Test func namesOutsideTheIdentifierRuleAre400NamingTheField() async throws {
        let env = try APITestEnvironment()
        try await env.withClient { client in
            let cases: [(String, String, String)] = [
                ("/v1/metrics", #"{"name":"odd","aggregation":"count","field":">Ðó…;<","window":"7d"}"#, "field"),
                ("/v1/metrics", #"{"name":"Orders","aggregation":"count","window":"7d"}"#, "name"),
                ("/v1/tags", #"{"name":"vip-users","expression":"true"}"#, "name"),
                ("/v1/segments", #"{"name":"Big.Spenders","expression":"true"}"#, "name"),
            ]
            for (path, body, field) in cases {
                let (status, answer) = try await client.call(.post, path, auth: env.admin, body: body)
                #expect(status == .badRequest, "\(path) \(body): \(answer)")
                #expect(answer.error["field"] as? String == field, "\(path) \(body)")
                #expect((answer.error["message"] as? String)?.contains("lowercase letters, digits and '_'") == true, "\(answer)")
            }
            let (_, metrics) = try await client.call(.get, "/v1/metrics", auth: env.reader)
            #expect((metrics["metrics"] as? [Any])?.isEmpty == true)
            let (_, segments) = try await client.call(.get, "/v1/segments", auth: env.reader)
            #expect((segments["segments"] as? [Any])?.isEmpty == true)
        }
    }
}
