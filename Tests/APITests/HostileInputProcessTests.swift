import Foundation
import MySQL
import PortraitAPI
import PortraitMetadata
import Redis
import Testing

/// Issue 17, "Must show": hostile payloads against a real `portrait serve` process (the HTTP
/// decoder included). Every answer is a 4xx with the standard error body, and the server's
/// process is the same one at the end. Needs `swift build` first and `scripts/services up`.
extension APIServiceTests {
    struct Payload {
        var name: String
        var method = "POST"
        var path: [UInt8]
        var key: KeyRole = .reader
        var headers: [String: String] = [:]
        var body: [UInt8] = []
    }

    enum KeyRole { case reader, collector, admin }

    static func hostilePayloads() -> [Payload] {
        func json(_ text: String) -> [UInt8] { Array(text.utf8) }
        func expression(_ text: String) -> [UInt8] { json("{\"expression\": \(jsonString(text))}") }
        func tag(_ text: String) -> [UInt8] { json("{\"name\":\"hostile\",\"expression\": \(jsonString(text))}") }
        func event(_ fields: String) -> [UInt8] { json(#"{"events":[{"# + fields + "}]}") }
        let deep4000 = String(repeating: "(", count: 4_000) + "true" + String(repeating: ")", count: 4_000)
        let deep10000 = String(repeating: "(", count: 10_000) + "true" + String(repeating: ")", count: 10_000)
        let or20000 = Array(repeating: "true", count: 20_000).joined(separator: " or ")
        let or8000 = Array(repeating: "true", count: 8_000).joined(separator: " or ")
        let list60000 = "tag.tier in [" + (0..<60_000).map { "\"v\($0)\"" }.joined(separator: ",") + "]"
        let huge = String(repeating: "x", count: 100_000)
        var invalidUTF8Event = Array(#"{"events":[{"user_id":"u"#.utf8) + [0xFF, 0xFE] + Array(#"","type":"view","ts":1}]}"#.utf8)
        invalidUTF8Event.append(0x0A)
        return [
            Payload(name: "4,000 brackets (segments:count)", path: json("/v1/segments:count"), body: expression(deep4000)),
            Payload(name: "20,000-term or (segments:count)", path: json("/v1/segments:count"), body: expression(or20000)),
            Payload(name: "10,000 brackets (tags)", path: json("/v1/tags"), key: .admin, body: tag(deep10000)),
            Payload(name: "8,000-term or (tags)", path: json("/v1/tags"), key: .admin, body: tag(or8000)),
            Payload(name: "60,000-item list", path: json("/v1/segments:count"), body: expression(list60000)),
            Payload(name: "ts -5", path: json("/v1/events"), key: .collector, body: event(#""user_id":"u","type":"view","ts":-5"#)),
            Payload(name: "ts year 3e9", path: json("/v1/events"), key: .collector, body: event(#""user_id":"u","type":"view","ts":99999999999999999"#)),
            Payload(name: "ts 9999", path: json("/v1/events"), key: .collector, body: event(#""user_id":"u","type":"view","ts":"9999-01-01T00:00:00Z""#)),
            Payload(name: "ts 1e400", path: json("/v1/events"), key: .collector, body: event(#""user_id":"u","type":"view","ts":1e400"#)),
            Payload(name: "100 KB user_id", path: json("/v1/events"), key: .collector, body: event("\"user_id\":\"\(huge)\",\"type\":\"view\",\"ts\":1")),
            Payload(name: "5,000-digit number", path: json("/v1/events"), key: .collector,
                    body: event("\"user_id\":\"u\",\"type\":\"view\",\"ts\":1,\"amount\":" + String(repeating: "9", count: 5_000))),
            Payload(name: "70 KB expression tag", path: json("/v1/tags"), key: .admin, body: tag(Array(repeating: "true", count: 9_000).joined(separator: " and "))),
            Payload(name: "aggregation median", path: json("/v1/metrics"), key: .admin,
                    body: json(#"{"name":"m","aggregation":"median","field":"amount","window":"30d"}"#)),
            Payload(name: "100 KB path id", method: "GET", path: json("/v1/profiles/" + huge)),
            Payload(name: "100 KB explain", method: "GET", path: json("/v1/profiles/u1?explain=" + huge)),
            Payload(name: "10,000-level JSON", path: json("/v1/events"), key: .collector,
                    body: json("{\"events\":" + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}")),
            Payload(name: "invalid UTF-8 body", path: json("/v1/events"), key: .collector, body: invalidUTF8Event),
            Payload(name: "invalid UTF-8 path, percent-encoded", method: "GET", path: json("/v1/profiles/%FF%C3%28")),
            Payload(name: "2 MiB body", path: json("/v1/events"), key: .collector, body: Array(repeating: UInt8(ascii: " "), count: 2 << 20)),
            Payload(name: "lying Content-Length", path: json("/v1/events"), key: .collector, headers: ["Content-Length": "99999999999"], body: json("{}")),
            Payload(name: "not JSON", path: json("/v1/segments:count"), body: json("{expression: tag.x")),
            Payload(name: "array body", path: json("/v1/events"), key: .collector, body: json("[1,2,3]")),
            Payload(name: "1,001 events", path: json("/v1/events"), key: .collector,
                    body: json("{\"events\":[" + Array(repeating: #"{"user_id":"u","type":"v","ts":1}"#, count: 1_001).joined(separator: ",") + "]}")),
            Payload(name: "huge tag name", method: "GET", path: json("/v1/tags/" + String(repeating: "t", count: 5_000))),
            Payload(name: "no key", method: "GET", path: json("/v1/tags"), key: .reader, headers: ["Authorization": "Bearer pk_nope_nope"]),
        ]
    }

    @Test func hostileInputGetsA4xxAndTheServerSurvives() throws {
        let env = try APITestEnvironment()
        try Self.writeBitmaps(env)
        let server = try ServeProcess(env)
        defer { server.stop() }
        let (port, pid) = (server.port, server.pid)
        func logTail() -> String { server.logTail() }

        let keys: [KeyRole: String] = [.reader: env.reader, .collector: env.collector, .admin: env.admin]
        for payload in Self.hostilePayloads() {
            var headers = ["Content-Type": "application/json", "Authorization": keys[payload.key]!]
            headers.merge(payload.headers) { $1 }
            let answer: RawHTTPClient.Answer
            do {
                answer = try RawHTTPClient.send(port: port, method: payload.method, path: payload.path, headers: headers, body: payload.body)
            } catch {
                Issue.record("\(payload.name): \(error); log: \(logTail())")
                continue
            }
            #expect((400..<500).contains(answer.status), "\(payload.name): \(answer.status) \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
            let error = answer.json?["error"] as? [String: Any]
            #expect(error?["code"] is String && error?["message"] is String,
                    "\(payload.name): the standard error body, got \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
        }
        // Raw bytes the HTTP parser itself refuses never reach Portrait: Hummingbird answers a bare
        // 400 and closes (documented in docs/API-LIMITS.md); the server must simply survive it.
        let raw = try? RawHTTPClient.send(port: port, method: "GET", path: Array("/v1/profiles/".utf8) + [0xFF, 0xC3, 0x28, 0x00])
        #expect(raw.map { (400..<500).contains($0.status) } ?? true)
        #expect(server.isRunning, "log: \(logTail())")
        #expect(kill(pid, 0) == 0, "the process that took the payloads is the one still answering")
        #expect((try? RawHTTPClient.send(port: port, method: "GET", path: Array("/healthz".utf8)))?.status == 200, "log: \(logTail())")
    }

    /// `.build/debug/portrait`, built by `swift build`.
    static func portraitExecutable() throws -> URL {
        let executable = APITestEnvironment.root.appendingPathComponent(".build/debug/portrait")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw RawHTTPClient.Failure(description: "\(executable.path) is missing: run `swift build` before `swift test`")
        }
        return executable
    }
}
