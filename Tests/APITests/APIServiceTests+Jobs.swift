import Foundation
import Hummingbird
import HummingbirdTesting
import MySQL
import PortraitScheduler
import Testing

extension APIServiceTests {
    static func jobStore(_ env: APITestEnvironment) -> JobStore {
        JobStore(pool: MySQLPool(configuration: env.mysqlConfiguration, size: 1))
    }

    @Test func jobsAreListedAndShownAndTheirRunsPagedNewestFirst() async throws {
        let env = try APITestEnvironment()
        let store = Self.jobStore(env)
        try store.create(JobSpec(name: "nightly", kind: .retrain, cron: try CronExpression(parsing: "0 3 * * *"), timeZone: "Europe/Berlin",
                                 params: .object(["model": .string("buyer")])), now: Date())
        try store.create(JobSpec(name: "adhoc", kind: .segmentSizes, cron: nil), now: Date())
        try await env.withClient { client in
            let (status, list) = try await client.call(.get, "/v1/jobs", auth: env.reader)
            #expect(status == .ok)
            let jobs = list["jobs"] as? [[String: Any]] ?? []
            #expect(jobs.map { $0["name"] as? String } == ["adhoc", "nightly"])
            #expect(jobs.last?["cron"] as? String == "0 3 * * *")
            #expect(jobs.last?["time_zone"] as? String == "Europe/Berlin")
            #expect((jobs.last?["next_tick"] as? String)?.hasSuffix("Z") == true)
            #expect(jobs.first?["next_tick"] is NSNull)  // manual only
            #expect((jobs.last?["params"] as? [String: Any])?["model"] as? String == "buyer")

            let (shown, nightly) = try await client.call(.get, "/v1/jobs/nightly", auth: env.reader)
            #expect(shown == .ok)
            #expect(nightly["kind"] as? String == "retrain")
            #expect(nightly["latest_run"] is NSNull)

            // Queued exactly as `portrait jobs run` queues them: pending manual runs.
            var ids: [Int] = []
            for _ in 0..<3 {
                let (queued, run) = try await client.call(.post, "/v1/jobs/adhoc:run", auth: env.admin)
                #expect(queued == .accepted)
                #expect(run["status"] as? String == "pending")
                #expect(run["trigger"] as? String == "manual")
                #expect(run["scheduled_for"] is NSNull)
                ids.append(run["id"] as? Int ?? 0)
            }
            #expect(try store.history(of: "adhoc").map { Int($0.id) } == ids.reversed())
            #expect(try store.history(of: "adhoc").allSatisfy { $0.status == .pending && $0.trigger == .manual })

            let (firstStatus, first) = try await client.call(.get, "/v1/jobs/adhoc/runs?limit=2", auth: env.reader)
            #expect(firstStatus == .ok)
            #expect((first["runs"] as? [[String: Any]] ?? []).map { $0["id"] as? Int } == [ids[2], ids[1]])
            let cursor = try #require(first["next_cursor"] as? String)
            let (_, second) = try await client.call(.get, "/v1/jobs/adhoc/runs?limit=2&cursor=\(cursor)", auth: env.reader)
            #expect((second["runs"] as? [[String: Any]] ?? []).map { $0["id"] as? Int } == [ids[0]])
            #expect(second["next_cursor"] is NSNull)
            let (_, all) = try await client.call(.get, "/v1/jobs/adhoc/runs", auth: env.reader)
            #expect((all["runs"] as? [Any])?.count == 3)

            let (_, adhoc) = try await client.call(.get, "/v1/jobs/adhoc", auth: env.reader)
            #expect((adhoc["latest_run"] as? [String: Any])?["id"] as? Int == ids[2])
        }
    }

    @Test func jobRoutesRefuseMissingKeysWeakRolesUnknownJobsAndBadPaging() async throws {
        let env = try APITestEnvironment()
        let store = Self.jobStore(env)
        try store.create(JobSpec(name: "adhoc", kind: .segmentSizes, cron: nil), now: Date())
        try await env.withClient { client in
            #expect(try await client.call(.get, "/v1/jobs", auth: nil).0 == .unauthorized)
            #expect(try await client.call(.get, "/v1/jobs/adhoc/runs", auth: nil).0 == .unauthorized)
            #expect(try await client.call(.post, "/v1/jobs/adhoc:run", auth: nil).0 == .unauthorized)
            #expect(try await client.call(.post, "/v1/jobs/adhoc:run", auth: env.reader).0 == .forbidden)
            #expect(try await client.call(.post, "/v1/jobs/adhoc:run", auth: env.collector).0 == .forbidden)
            for (method, uri) in [(HTTPRequest.Method.get, "/v1/jobs/nope"), (.get, "/v1/jobs/nope/runs"), (.post, "/v1/jobs/nope:run")] {
                let (status, answer) = try await client.call(method, uri, auth: env.admin)
                #expect(status == .notFound, "\(uri)")
                #expect(answer.errorCode == "not_found", "\(uri)")
                #expect(answer.error["message"] as? String == "no job named nope", "\(uri)")
            }
            for (query, field) in [("limit=0", "limit"), ("limit=501", "limit"), ("limit=ten", "limit"), ("cursor=abc", "cursor"), ("cursor=-3", "cursor")] {
                let (status, answer) = try await client.call(.get, "/v1/jobs/adhoc/runs?\(query)", auth: env.reader)
                #expect(status == .badRequest, "\(query)")
                #expect(answer.errorCode == "invalid_request", "\(query)")
                #expect(answer.error["field"] as? String == field, "\(query)")
            }
        }
        #expect(try store.history(of: "adhoc").isEmpty)  // the refused calls queued nothing
    }
}

extension APIServiceTests {
    @Test func activatingAMetricQueuesABackfillRunForIt() async throws {
        let env = try APITestEnvironment()
        try await env.withClient { client in
            // No backfill job: nothing is queued, and the answer says so.
            let draft = #"{"name":"spend_30d","aggregation":"sum","field":"amount","window":"30d","status":"draft"}"#
            let (created, createdBody) = try await client.call(.post, "/v1/metrics", auth: env.admin, body: draft)
            #expect(created == .created)
            #expect(createdBody["backfill"] is NSNull)

            let store = Self.jobStore(env)
            try store.create(JobSpec(name: "backfill", kind: .backfill, cron: nil), now: Date())
            let (updated, updatedBody) = try await client.call(.put, "/v1/metrics/spend_30d", auth: env.admin, body: #"{"description":"spend"}"#)
            #expect(updated == .ok)
            #expect(updatedBody["backfill"] is NSNull, "a draft has no values to backfill")

            let (activated, activatedBody) = try await client.call(.put, "/v1/metrics/spend_30d", auth: env.admin, body: #"{"status":"active"}"#)
            #expect(activated == .ok)
            let backfill = activatedBody["backfill"] as? [String: Any]
            #expect(backfill?["job"] as? String == "backfill")
            let run = try #require(try store.history(of: "backfill", limit: 5).first)
            #expect(backfill?["run_id"] as? Int == Int(run.id))
            #expect(run.status == .pending && run.trigger == .activation)
            #expect(run.params == .object(["metrics": .array([.string("spend_30d")])]))

            let (described, describedBody) = try await client.call(.put, "/v1/metrics/spend_30d", auth: env.admin, body: #"{"description":"money spent"}"#)
            #expect(described == .ok)
            #expect(describedBody["backfill"] is NSNull, "same meaning: its values are unchanged")
            let (widened, widenedBody) = try await client.call(.put, "/v1/metrics/spend_30d", auth: env.admin, body: #"{"window":"90d"}"#)
            #expect(widened == .ok)
            #expect(widenedBody["backfill"] is [String: Any], "a longer window needs the older past")
            #expect(try store.history(of: "backfill", limit: 5).count == 2)

            let tag = #"{"name":"big_spender","expression":"metric.spend_30d > 100","status":"active"}"#
            let (tagged, taggedBody) = try await client.call(.post, "/v1/tags", auth: env.admin, body: tag)
            #expect(tagged == .created)
            #expect(taggedBody["backfill"] is NSNull, "tags are re-evaluated from metrics, not backfilled")
        }
    }
}
