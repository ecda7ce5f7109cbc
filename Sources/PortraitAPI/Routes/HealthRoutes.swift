import Hummingbird
import JSON
import MySQL
import Redis

/// `/healthz` (the process answers), `/readyz` (Redis, MySQL and — since the server takes
/// events — Kafka with the events topic answer), `/openapi.yaml`,
/// `/metrics` (Prometheus text, when the executable provides it).
enum HealthRoutes {
    static func register(_ routes: APIRoutes, openAPIDocument: String, metricsText: (@Sendable () -> String)?) {
        let services = routes.services
        routes.get("/healthz", role: nil) { _, _ in JSONValue.object(["status": .string("ok")]).response() }
        routes.get("/readyz", role: .reader) { _, _ in
            async let redis = check { _ = try await services.redis.command("PING") }
            async let mysql = check { try await services.withMySQL { _ = try $0.query("SELECT 1") } }
            async let kafka = check { try await KafkaReadiness.check(services.configuration) }
            let (redisProblem, mysqlProblem, kafkaProblem) = await (redis, mysql, kafka)
            let ready = redisProblem == nil && mysqlProblem == nil && kafkaProblem == nil
            return JSONValue.object([
                "status": .string(ready ? "ready" : "unavailable"),
                "redis": .string(redisProblem ?? "ok"), "mysql": .string(mysqlProblem ?? "ok"), "kafka": .string(kafkaProblem ?? "ok"),
            ]).response(status: ready ? .ok : .serviceUnavailable)
        }
        let document = ByteBuffer(string: openAPIDocument)
        routes.get("/openapi.yaml", role: nil) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: ResponseBody(byteBuffer: document))
        }
        routes.get("/metrics", role: .reader) { _, _ in
            guard let metricsText else { throw APIError.notFound("metrics are disabled (metrics.enabled)") }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metricsText())))
        }
    }

    /// `nil` when `probe` succeeds, else why not.
    private static func check(_ probe: @Sendable () async throws -> Void) async -> String? {
        do { try await probe(); return nil } catch { return "\(error)" }
    }
}
