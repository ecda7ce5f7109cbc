import Foundation
import Hummingbird
import JSON
import PortraitScheduler

/// Scheduled jobs and their runs (docs/SCHEDULER.md): `GET /v1/jobs`, `GET /v1/jobs/{name}`,
/// `GET /v1/jobs/{name}/runs` (newest first, `limit` and `cursor`), and the admin's
/// `POST /v1/jobs/{name}:run`, which queues a manual run with `JobStore.requestRun` exactly as
/// `portrait jobs run` does; the next tick of any `portrait schedule` starts it.
enum JobRoutes {
    static let defaultRunLimit = 20
    static let maxRunLimit = 500

    static func register(_ routes: APIRoutes) {
        let store = JobStore(pool: routes.services.mysql)
        routes.get("/v1/jobs", role: .reader) { _, _ in
            let jobs = try await BlockingWork.run { try store.list() }
            let now = Date()
            return JSONValue.object(["jobs": .array(jobs.map { .object(JobDocument.job($0, now: now)) })]).response()
        }
        routes.get("/v1/jobs/{name}", role: .reader) { _, context in
            let name = try context.parameter("name")
            let (job, latest) = try await BlockingWork.run { () throws -> (Job, JobRun?) in
                (try store.existing(named: name), try store.history(of: name, limit: 1).first)
            }
            var document = JobDocument.job(job, now: Date())
            document["latest_run"] = latest.map(JobDocument.run) ?? .null
            return JSONValue.object(document).response()
        }
        routes.get("/v1/jobs/{name}/runs", role: .reader) { request, context in
            let name = try context.parameter("name")
            let limit = try limitParameter(request.uri.queryParameters.get("limit"))
            let cursor = try cursorParameter(request.uri.queryParameters.get("cursor"))
            // One more than asked tells whether another page follows.
            let runs = try await BlockingWork.run { () throws -> [JobRun] in
                _ = try store.existing(named: name)
                return try store.history(of: name, limit: limit + 1, before: cursor)
            }
            let page = runs.prefix(limit)
            let next = runs.count > limit ? page.last.map { JSONValue.string(String($0.id)) } : nil
            return JSONValue.object(["runs": .array(page.map(JobDocument.run)), "next_cursor": next ?? .null]).response()
        }
        routes.post("/v1/jobs/{name}:run", role: .admin) { _, context in
            let name = try context.parameter("name")
            let run = try await BlockingWork.run { try store.requestRun(of: name, now: Date()) }
            return JobDocument.run(run).response(status: .accepted)
        }
    }

    private static func limitParameter(_ text: String?) throws -> Int {
        guard let text else { return defaultRunLimit }
        guard let limit = Int(text), (1...maxRunLimit).contains(limit) else {
            throw APIError.badRequest("limit must be an integer from 1 to \(maxRunLimit)", field: "limit")
        }
        return limit
    }

    /// The `next_cursor` of the previous page: the id of its last (oldest) run.
    private static func cursorParameter(_ text: String?) throws -> UInt64? {
        guard let text else { return nil }
        guard let cursor = UInt64(text), cursor > 0 else {
            throw APIError.badRequest("cursor must be the next_cursor of a previous page", field: "cursor")
        }
        return cursor
    }
}
