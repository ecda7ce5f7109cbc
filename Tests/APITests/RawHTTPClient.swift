import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 request over a plain socket, bytes exactly as given (invalid UTF-8, 100 KB
/// paths, lying headers), for tests of a real `portrait serve` process.
enum RawHTTPClient {
    struct Answer {
        var status: Int
        var body: [UInt8]
        /// The body as a JSON object, or nil.
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func send(port: Int, method: String, path: [UInt8], headers: [String: String] = [:], body: [UInt8] = []) throws -> Answer {
        let fd = try connected(port: port)
        defer { close(fd) }
        var head = Array("\(method) ".utf8) + path + Array(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".utf8)
        var allHeaders = headers
        if allHeaders["Content-Length"] == nil { allHeaders["Content-Length"] = String(body.count) }
        for (name, value) in allHeaders.sorted(by: { $0.key < $1.key }) { head += Array("\(name): \(value)\r\n".utf8) }
        head += Array("\r\n".utf8)
        let request = head + body
        var sent = 0
        while sent < request.count {
            // MSG_NOSIGNAL: a server that answers 413 and closes mid-body must not SIGPIPE the tests.
            let written = request[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { break }  // the server may answer and close before reading everything
            sent += written
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !isComplete(response) {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        guard let end = response.firstRange(of: Array("\r\n\r\n".utf8)) else {
            throw Failure(description: "no HTTP answer (\(response.count) bytes)")
        }
        let statusLine = String(decoding: response[..<end.lowerBound], as: UTF8.self).split(separator: "\r\n").first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure(description: "bad status line \(statusLine)") }
        let headText = String(decoding: response[..<end.lowerBound], as: UTF8.self).lowercased()
        var body = Array(response[end.upperBound...])
        if headText.contains("transfer-encoding: chunked") { body = dechunked(body) }
        return Answer(status: status, body: body)
    }

    /// Whether a response with a Content-Length has all its body (a server may keep the
    /// connection open to drain a body it refused).
    private static func isComplete(_ response: [UInt8]) -> Bool {
        guard let end = response.firstRange(of: Array("\r\n\r\n".utf8)) else { return false }
        let head = String(decoding: response[..<end.lowerBound], as: UTF8.self).lowercased()
        guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else { return false }
        return response.count - end.upperBound >= length
    }

    private static func dechunked(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while let lineEnd = bytes[index...].firstRange(of: Array("\r\n".utf8)) {
            let sizeText = String(decoding: bytes[index..<lineEnd.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            guard start + size <= bytes.count else { break }
            out += bytes[start..<start + size]
            index = start + size + 2
            guard index < bytes.count else { break }
        }
        return out
    }

    /// A TCP port nobody listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Failure(description: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

extension RawHTTPClient {
    /// A socket connected to 127.0.0.1:`port`, reads timing out after 60 s; the caller closes it.
    static func connected(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed") }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else {
            close(fd)
            throw Failure(description: "cannot connect to 127.0.0.1:\(port)")
        }
        return fd
    }

    /// Writes `bytes` as they are (one or more requests, valid or not) and reads every answer
    /// until the server closes the connection.
    static func exchange(port: Int, bytes: [UInt8]) throws -> [Answer] {
        let fd = try connected(port: port)
        defer { close(fd) }
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { break }
            sent += written
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            response += buffer[0..<count]
        }
        // Answers with a Content-Length, one after another.
        var answers: [Answer] = []
        var rest = response[...]
        while let end = rest.firstRange(of: Array("\r\n\r\n".utf8)) {
            let head = String(decoding: rest[..<end.lowerBound], as: UTF8.self)
            let lines = head.split(separator: "\r\n")
            let parts = lines.first?.split(separator: " ") ?? []
            guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure(description: "bad status line in \(head.prefix(200))") }
            let length = lines.lazy.compactMap { line -> Int? in
                let lower = line.lowercased()
                guard lower.hasPrefix("content-length:") else { return nil }
                return Int(lower.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
            }.first ?? 0
            let bodyEnd = min(rest.endIndex, end.upperBound + length)
            answers.append(Answer(status: status, body: Array(rest[end.upperBound..<bodyEnd])))
            rest = rest[bodyEnd...]
        }
        return answers
    }
}
