#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging

/// A tiny blocking HTTP server for `GET /metrics` (Prometheus text format) on a background
/// thread, for commands that run without the API server (`portrait ingest --metrics-addr`).
/// One connection at a time: scrapes are rare and each answer is one write.
final class MetricsEndpoint: Sendable {
    /// Why the endpoint could not start.
    struct StartError: Error, CustomStringConvertible {
        let description: String
    }

    /// The address actually bound (`host:port`; the port is the kernel's when 0 was asked for).
    let address: String
    private let socket: Int32
    private let body: @Sendable () -> String

    /// Binds `address` (`host:port`, IPv4; loopback unless told otherwise) and starts serving.
    init(address: String, body: @escaping @Sendable () -> String) throws {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw StartError(description: "--metrics-addr must be host:port, got \(address)")
        }
        let host = String(address[..<colon])
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host.isEmpty ? "0.0.0.0" : host, &socketAddress.sin_addr) == 1 else {
            throw StartError(description: "--metrics-addr: \(host) is not an IPv4 address")
        }
        #if canImport(Glibc)
        let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw StartError(description: "socket(): \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw StartError(description: "cannot listen on \(address): \(reason)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.address = "\(host):\(UInt16(bigEndian: actual.sin_port))"
        self.socket = descriptor
        self.body = body
        let thread = Thread { [self] in serve() }
        thread.name = "portrait.metrics"
        thread.start()
    }

    /// A peer that hung up must not kill the process with SIGPIPE.
    #if canImport(Glibc)
    private static let noSignal = Int32(MSG_NOSIGNAL)
    #else
    private static let noSignal: Int32 = 0
    #endif

    /// Accepts until the process ends; a failed connection never stops the loop.
    private func serve() {
        while true {
            let connection = accept(socket, nil, nil)
            if connection < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            answer(connection)
            close(connection)
        }
    }

    /// Reads the request head (up to 8 KB) and writes one response.
    private func answer(_ connection: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        _ = setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 2_048)
        while request.count < 8_192 {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            request += buffer[..<count]
            if request.count >= 4, request.suffix(4) == [13, 10, 13, 10] { break }
        }
        let line = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self).split(separator: " ")
        let response: String
        if line.count >= 2, line[0] == "GET", line[1] == "/metrics" || line[1].hasPrefix("/metrics?") {
            let text = body()
            response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: \(text.utf8.count)\r\nConnection: close\r\n\r\n" + text
        } else {
            response = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\nConnection: close\r\n\r\nnot found\n"
        }
        var bytes = Array(response.utf8)[...]
        while !bytes.isEmpty {
            let sent = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Self.noSignal) }
            if sent <= 0 { return }
            bytes = bytes.dropFirst(sent)
        }
    }
}

extension MetricsEndpoint {
    /// `GET /metrics` with the process's Prometheus registry on `address`, logged once started.
    static func prometheus(on address: String, logger: Logger) throws -> MetricsEndpoint {
        let endpoint = try MetricsEndpoint(address: address) { Observability.registry.emitToString() }
        logger.info("serving metrics", metadata: ["address": "http://\(endpoint.address)/metrics"])
        return endpoint
    }
}
