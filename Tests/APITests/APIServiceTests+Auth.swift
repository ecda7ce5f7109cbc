import HummingbirdTesting
import PortraitAPI
import Testing

extension APIServiceTests {
    @Test func keysAreRequiredAndRolesEnforced() async throws {
        let env = try APITestEnvironment()
        try Self.writeProfile(env.redis)
        try await env.withClient { client in
            let (missing, missingBody) = try await client.call(.get, "/v1/profiles/42", auth: nil)
            #expect(missing == .unauthorized)
            #expect(missingBody.errorCode == "unauthenticated")
            #expect(try await client.call(.get, "/v1/profiles/42", auth: "Bearer pk_unknown_secret").0 == .unauthorized)
            #expect(try await client.call(.get, "/v1/profiles/42", auth: "Bearer not-a-key").0 == .unauthorized)
            #expect(try await client.call(.get, "/v1/profiles/42", auth: "Basic dXNlcjpwYXNz").0 == .unauthorized)
            // Right prefix, wrong secret.
            let forged = env.reader.prefix { $0 != "_" } + "_" + env.reader.split(separator: "_")[1] + "_wrongsecret"
            #expect(try await client.call(.get, "/v1/profiles/42", auth: String(forged)).0 == .unauthorized)

            #expect(try await client.call(.get, "/v1/profiles/42", auth: env.reader).0 == .ok)
            #expect(try await client.call(.get, "/v1/profiles/42", auth: env.collector).0 == .ok)
            #expect(try await client.call(.get, "/v1/profiles/42", auth: env.admin).0 == .ok)

            let tag = #"{"name":"vip","expression":"true"}"#
            let (forbidden, forbiddenBody) = try await client.call(.post, "/v1/tags", auth: env.reader, body: tag)
            #expect(forbidden == .forbidden)
            #expect(forbiddenBody.errorCode == "forbidden")
            #expect(try await client.call(.post, "/v1/tags", auth: env.collector, body: tag).0 == .forbidden)
            #expect(try await client.call(.post, "/v1/events", auth: env.reader, body: #"{"events":[]}"#).0 == .forbidden)
            #expect(try await client.call(.delete, "/v1/tags/vip", auth: env.collector).0 == .forbidden)

            #expect(try await client.call(.get, "/healthz", auth: nil).0 == .ok)
            let document = try await client.execute(uri: "/openapi.yaml", method: .get) { $0 }
            #expect(document.status == .ok)
            #expect(String(buffer: document.body).hasPrefix("openapi: 3.1"))
            #expect(try await client.call(.get, "/readyz", auth: nil).0 == .unauthorized)
            let (ready, readyBody) = try await client.call(.get, "/readyz", auth: env.reader)
            #expect(ready == .ok)
            #expect(readyBody["status"] as? String == "ready")
            #expect(try await client.call(.get, "/metrics", auth: nil).0 == .unauthorized)
            #expect(try await client.call(.get, "/metrics", auth: env.reader).0 == .notFound)  // no backend in tests
        }
    }

    @Test func revokedKeysStopWorking() async throws {
        let env = try APITestEnvironment()
        let store = APIKeyStore(connection: env.mysql)
        let key = try store.create(name: "short-lived", role: .reader, createdBy: nil)
        #expect(throws: APIKeyStoreError.alreadyExists(name: "short-lived")) { try store.create(name: "short-lived", role: .admin, createdBy: nil) }
        try await env.withClient { client in
            #expect(try await client.call(.get, "/v1/tags", auth: "Bearer " + key.text).0 == .ok)
            try store.revoke(name: "short-lived")
            #expect(try await client.call(.get, "/v1/tags", auth: "Bearer " + key.text).0 == .unauthorized)
        }
        let listed = try store.list().first { $0.name == "short-lived" }
        #expect(listed?.revokedAt != nil)
        let row = try env.mysql.query("SELECT key_hash FROM api_keys WHERE key_prefix = ?", [.string(key.prefix)]).first
        #expect(try row?.decode(String.self, "key_hash") == KeyHash.hex(key.text))
    }
}
