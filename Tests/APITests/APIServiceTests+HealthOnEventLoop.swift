import Foundation
import Testing

/// `/healthz` is answered on the event loop (HealthCheckHandler) with the route's answer, and
/// a connection that mixes probes with other requests gets its answers in order.
extension APIServiceTests {
    @Test func healthProbesAnsweredOnTheEventLoopKeepTheConnectionsOrder() throws {
        let env = try APITestEnvironment()
        let server = try ServeProcess(env)
        defer { server.stop() }
        func get(_ path: String, _ headers: String = "") -> [UInt8] { Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)\r\n".utf8) }

        // Keep-alive probes, then one that closes: the connection ends after it.
        let probes = try RawHTTPClient.exchange(port: server.port, bytes: get("/healthz") + get("/healthz") + get("/healthz", "Connection: close\r\n"))
        #expect(probes.map(\.status) == [200, 200, 200])
        #expect(probes.allSatisfy { $0.json?["status"] as? String == "ok" })

        // Probes pipelined behind requests Hummingbird answers keep their places.
        let mixed = try RawHTTPClient.exchange(port: server.port, bytes:
            get("/v1/no-such-route") + get("/healthz") + get("/healthz?x=1") + get("/openapi.yaml") + get("/healthz", "Connection: close\r\n"))
        #expect(mixed.map(\.status) == [404, 200, 200, 200, 200], "log: \(server.logTail())")
        #expect((mixed[0].json?["error"] as? [String: Any])?["code"] as? String == "not_found")
        #expect(mixed[1].json?["status"] as? String == "ok" && mixed[2].json?["status"] as? String == "ok")
        #expect(String(decoding: mixed[3].body.prefix(8), as: UTF8.self) == "openapi:")
        #expect(mixed[4].json?["status"] as? String == "ok")

        // A probe with a body is still one request.
        let withBody = try RawHTTPClient.exchange(port: server.port, bytes:
            Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello".utf8) + get("/healthz", "Connection: close\r\n"))
        #expect(withBody.map(\.status) == [200, 200])
        #expect(server.isRunning)
    }
}
