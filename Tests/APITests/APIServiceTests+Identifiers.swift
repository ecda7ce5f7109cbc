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

extension APIServiceTests {
    /// A routed path asked with a method it does not have is a 405 naming the allowed methods;
    /// an unrouted path stays a 404, and a route's own 404 stays one.
    @Test func aMethodThePathDoesNotHaveIs405WithAllow() async throws {
        let env = try APITestEnvironment()
        try await env.withClient { client in
            try await client.execute(uri: "/v1/metrics/orders", method: .post, headers: [.authorization: env.admin]) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "DELETE, GET, PUT")
            }
            // `name:verb` segments belong to the `{name}:verb` routes, not to `{name}`.
            try await client.execute(uri: "/v1/jobs/nightly:run", method: .delete, headers: [.authorization: env.admin]) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
            #expect(try await client.call(.get, "/v1/nothing/here", auth: env.admin).0 == .notFound)
            #expect(try await client.call(.get, "/v1/metrics/orders", auth: env.admin).0 == .notFound)
        }
    }

    /// JSON Schema's integers include `3.0`; the server takes them as the integers they are.
    @Test func integersWithAZeroFractionAreIntegers() async throws {
        let env = try APITestEnvironment()
        try Self.writeBitmaps(env)
        try await env.withClient { client in
            let (status, page) = try await client.call(.post, "/v1/segments:export", auth: env.reader, body: #"{"expression":"tag.buyer","limit":2.0}"#)
            #expect(status == .ok, "\(page)")
            #expect(try await client.call(.post, "/v1/segments:export", auth: env.reader, body: #"{"expression":"tag.buyer","limit":2.5}"#).0 == .badRequest)
        }
    }
}
