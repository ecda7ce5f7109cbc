import Foundation
import HummingbirdTesting
import PortraitModels
import PortraitProcessor
import Redis
import Testing

extension APIServiceTests {
    /// Model `clusters` (k-means, k = 2, on two groups of 40 profiles): v1 active, v2 the
    /// same fit again, a candidate (not better by the margin).
    static func registerClusters(_ env: APITestEnvironment) throws {
        for index in 0..<40 {
            let user = "c\(index)"
            try env.redis.command("HSET", ProfileKeys.profile(user), "_updated", String(1_700_000_000_000 + index),
                                  "m.a", String(index % 2 == 0 ? index % 5 : 50 + index % 5), "m.b", String(index % 3))
            try env.redis.command("SADD", ProfileKeys.users(partition: Int32(index % 2)), user)
        }
        let retrainer = Retrainer(registry: ModelRegistry(connection: env.mysql), redis: env.redis)
        let request = RetrainingRequest(name: "clusters", algorithm: .kmeans, features: ["m.a", "m.b"], k: 2, actor: "tests")
        #expect(try retrainer.run(request).promoted)
        #expect(try !retrainer.run(request).promoted)
    }

    @Test func modelsAreListedAndShownWithTheirVersionsMetricsAndStatus() async throws {
        let env = try APITestEnvironment()
        try Self.registerClusters(env)
        try await env.withClient { client in
            let (status, list) = try await client.call(.get, "/v1/models", auth: env.reader)
            #expect(status == .ok)
            let models = list["models"] as? [[String: Any]] ?? []
            #expect(models.map { $0["name"] as? String } == ["clusters"])
            #expect(models.first?["algorithm"] as? String == "kmeans")
            #expect(models.first?["output"] as? String == "model.clusters.cluster")
            #expect(models.first?["active_version"] as? Int == 1)
            #expect(models.first?["latest_version"] as? Int == 2)

            let (shown, model) = try await client.call(.get, "/v1/models/clusters", auth: env.reader)
            #expect(shown == .ok)
            let versions = model["versions"] as? [[String: Any]] ?? []
            #expect(versions.map { $0["version"] as? Int } == [2, 1])
            #expect(versions.map { $0["status"] as? String } == ["candidate", "active"])
            #expect((versions.last?["metrics"] as? [String: Any])?["sse_per_row"] is Double)
            #expect(versions.last?["features"] as? [String] == ["m.a", "m.b"])
            #expect(versions.last?["params"] == nil)
            let promotions = model["promotions"] as? [[String: Any]] ?? []
            #expect(promotions.map { $0["action"] as? String } == ["promote"])
        }
    }

    @Test func anAdminPromotesByTheRuleOrByForceAndRollsBack() async throws {
        let env = try APITestEnvironment()
        try Self.registerClusters(env)
        try await env.withClient { client in
            let (refused, notBetter) = try await client.call(.post, "/v1/models/clusters:promote", auth: env.admin, body: #"{"version": 2}"#)
            #expect(refused == .conflict)
            #expect(notBetter.errorCode == "not_better")
            #expect((notBetter.error["message"] as? String)?.contains("\"force\": true") == true)

            let (forced, promotion) = try await client.call(.post, "/v1/models/clusters:promote", auth: env.admin, body: #"{"version": 2, "force": true}"#)
            #expect(forced == .ok)
            let switched = promotion["promotion"] as? [String: Any] ?? [:]
            #expect(switched["from_version"] as? Int == 1 && switched["to_version"] as? Int == 2)
            #expect(switched["actor"] as? String == "api:test-admin")
            #expect((switched["reason"] as? String)?.hasPrefix("forced:") == true)
            #expect((promotion["model"] as? [String: Any])?["active_version"] as? Int == 2)

            let (again, active) = try await client.call(.post, "/v1/models/clusters:promote", auth: env.admin, body: #"{"version": 2}"#)
            #expect(again == .conflict && active.errorCode == "already_active")

            let (rolled, rollback) = try await client.call(.post, "/v1/models/clusters:rollback", auth: env.admin)
            #expect(rolled == .ok)
            #expect((rollback["promotion"] as? [String: Any])?["action"] as? String == "rollback")
            #expect((rollback["model"] as? [String: Any])?["active_version"] as? Int == 1)
            let (none, nothing) = try await client.call(.post, "/v1/models/clusters:rollback", auth: env.admin)
            #expect(none == .conflict && nothing.errorCode == "nothing_to_roll_back")
        }
        #expect(try ModelRegistry(connection: env.mysql).head("clusters").activeVersion == 1)
    }

    @Test func modelRoutesRefuseMissingKeysWeakRolesUnknownNamesAndBadBodies() async throws {
        let env = try APITestEnvironment()
        try Self.registerClusters(env)
        try await env.withClient { client in
            #expect(try await client.call(.get, "/v1/models", auth: nil).0 == .unauthorized)
            #expect(try await client.call(.post, "/v1/models/clusters:rollback", auth: nil).0 == .unauthorized)
            #expect(try await client.call(.post, "/v1/models/clusters:promote", auth: env.reader, body: #"{"version": 2}"#).0 == .forbidden)
            #expect(try await client.call(.post, "/v1/models/clusters:rollback", auth: env.collector).0 == .forbidden)
            for (uri, body) in [("/v1/models/ghost", nil), ("/v1/models/ghost:promote", #"{"version": 1}"#), ("/v1/models/ghost:rollback", nil),
                                ("/v1/models/clusters:promote", #"{"version": 9}"#)] {
                let (status, answer) = try await client.call(body == nil && !uri.contains(":") ? .get : .post, uri, auth: env.admin, body: body)
                #expect(status == .notFound, "\(uri)")
                #expect(answer.errorCode == "not_found", "\(uri)")
            }
            let bad: [(String?, String, String?)] = [
                (nil, "malformed_json", nil), (#"{"version": "2"}"#, "invalid_request", "version"), ("{}", "invalid_request", "version"),
                (#"{"version": 0}"#, "invalid_request", "version"), (#"{"version": 2, "force": "yes"}"#, "invalid_request", "force"),
                (#"{"version": 2, "actor": "me"}"#, "unknown_field", "actor"), ("[2]", "invalid_request", nil),
            ]
            for (body, code, field) in bad {
                let (status, answer) = try await client.call(.post, "/v1/models/clusters:promote", auth: env.admin, body: body)
                #expect(status == .badRequest, "\(body ?? "no body")")
                #expect(answer.errorCode == code, "\(body ?? "no body")")
                #expect(answer.error["field"] as? String == field, "\(body ?? "no body")")
            }
        }
        #expect(try ModelRegistry(connection: env.mysql).head("clusters").activeVersion == 1)  // nothing switched
    }
}

extension APIServiceTests {
    @Test func tagsMayReadRegisteredModelsOnly() async throws {
        let env = try APITestEnvironment()
        try await env.withClient { client in
            let tag = #"{"name":"segment_a","expression":"model.clusters.cluster == 0","status":"active"}"#
            let (refused, refusedBody) = try await client.call(.post, "/v1/tags", auth: env.admin, body: tag)
            #expect(refused == .badRequest)
            #expect(refusedBody.error["field"] as? String == "expression")
            #expect(refusedBody.error["column"] as? Int == 1)
            try Self.registerClusters(env)
            let (created, createdBody) = try await client.call(.post, "/v1/tags", auth: env.admin, body: tag)
            #expect(created == .created, "\(createdBody)")
        }
    }
}
