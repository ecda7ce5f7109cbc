import Foundation
import Testing

/// Requests the HTTP parser refuses — bad bytes in the method, path or version, a malformed
/// header, a head over the decoder's limit, a malformed chunked body — still get the standard
/// error body (MalformedRequestHandler), over a raw socket to a real `portrait serve`.
extension APIServiceTests {
    @Test func requestsTheParserRefusesGetTheStandardErrorBody() throws {
        let env = try APITestEnvironment()
        let server = try ServeProcess(env)
        defer { server.stop() }
        func request(_ line: [UInt8], headers: String = "Host: 127.0.0.1\r\n") -> [UInt8] { line + Array("\r\n\(headers)\r\n".utf8) }
        let refused: [(name: String, bytes: [UInt8], status: Int, code: String)] = [
            ("invalid UTF-8 in the path", request(Array("GET /v1/profiles/".utf8) + [0xFF, 0xC3, 0x28] + Array(" HTTP/1.1".utf8)), 400, "malformed_request"),
            ("a NUL in the path", request(Array("GET /v1/tags/a".utf8) + [0x00] + Array("b HTTP/1.1".utf8)), 400, "malformed_request"),
            ("non-ASCII in the method", request([0x47, 0xC3, 0xA9, 0x54] + Array(" /healthz HTTP/1.1".utf8)), 400, "malformed_request"),
            ("a control byte in the method", request([0x47, 0x01, 0x54] + Array(" /healthz HTTP/1.1".utf8)), 400, "malformed_request"),
            ("a bad version", request(Array("GET /healthz HTTP/1.Z".utf8)), 400, "malformed_request"),
            ("a space in a header name", request(Array("GET /healthz HTTP/1.1".utf8), headers: "Host: 127.0.0.1\r\nBad Name: x\r\n"), 400, "malformed_request"),
            ("a 300 KB header", request(Array("GET /healthz HTTP/1.1".utf8), headers: "Host: 127.0.0.1\r\nX-Big: \(String(repeating: "a", count: 300_000))\r\n"),
             431, "request_head_too_large"),
        ]
        for payload in refused {
            let answers = try RawHTTPClient.exchange(port: server.port, bytes: payload.bytes)
            try #require(answers.count == 1, "\(payload.name): one answer, got \(answers.count); log: \(server.logTail())")
            let answer = answers[0]
            #expect(answer.status == payload.status, "\(payload.name)")
            let error = answer.json?["error"] as? [String: Any]
            #expect(error?["code"] as? String == payload.code && error?["message"] is String,
                    "\(payload.name): the standard error body, got \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
        }

        // A bad request line pipelined behind a good request: the good one is answered first,
        // then the bad one gets its error body.
        let pipelined = request(Array("GET /healthz HTTP/1.1".utf8)) + request(Array("GET /v1/".utf8) + [0xFF] + Array(" HTTP/1.1".utf8))
        let answers = try RawHTTPClient.exchange(port: server.port, bytes: pipelined)
        #expect(answers.map(\.status) == [200, 400], "log: \(server.logTail())")
        #expect((answers.last?.json?["error"] as? [String: Any])?["code"] as? String == "malformed_request")

        // A malformed chunked body: the route reading it answers 400 with the body; a route that
        // answered before reading (401 here) is followed by the standard 400, not a bare one.
        let chunked = "POST /v1/segments:count HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        let badChunk = "\r\nZZ\r\n{}\r\n0\r\n\r\n"
        let read = try RawHTTPClient.exchange(port: server.port, bytes: Array((chunked + "Authorization: \(env.reader)\r\n" + badChunk).utf8))
        #expect(read.map(\.status) == [400], "log: \(server.logTail())")
        #expect((read.first?.json?["error"] as? [String: Any])?["code"] as? String == "malformed_request")
        let unread = try RawHTTPClient.exchange(port: server.port, bytes: Array((chunked + badChunk).utf8))
        #expect(unread.map(\.status) == [401, 400])
        #expect((unread.last?.json?["error"] as? [String: Any])?["code"] as? String == "malformed_request")

        #expect(server.isRunning, "log: \(server.logTail())")
        #expect((try? RawHTTPClient.send(port: server.port, method: "GET", path: Array("/healthz".utf8)))?.status == 200)
    }
}
