import Hummingbird
import Logging
import Metrics
import NIOCore
import PortraitProcessor
import Redis
import Synchronization

/// `GET /v1/profiles/{userId}` answered in the channel pipeline (``ProfileFastPathHandler``),
/// without Hummingbird's per-request machinery: no request/response types, router, middleware
/// chain or task per request. Hummingbird's stack costs ~29 µs of CPU per request on its own
/// (its `/healthz` tops out near 41k req/s), which put the profile read's target out of reach
/// (Benchmarks/README.md, issue #16).
///
/// The answers are the route's, from the same code: the path limit, the key check and cache
/// (``Authenticator/checkCached(_:minimum:)``), the id decoding, `fields`, ``StoredProfile``
/// and ``ProfileRoutes/document(_:userId:sections:)``, the standard error bodies, the request
/// timeout's 503, the access log line and the request metrics of the middleware chain. What
/// it cannot answer exactly without waiting, it leaves to Hummingbird (``decide(_:)``): a key
/// the cache does not hold (MySQL decides), `explain` and any other query, a body, `HEAD`,
/// `Connection` headers, unusual bytes in the id. Design: docs/ARCHITECTURE.md, "Serving".
final class ProfileFastPath: Sendable {
    /// The route's pattern, as Hummingbird names it in the access log and metrics.
    static let route = "/v1/profiles/{userId}"
    private static let prefix = Array("/v1/profiles/".utf8)

    let services: APIServices
    let logger: Logger
    let accessLogLevel: Logger.Level
    /// The access log's writer, when not through the `Logger` (``APIConfiguration/accessLog``).
    let accessLog: AccessLog?
    let serverName: String
    let counters: ServingCounters
    /// The request timeout (``RequestTimeoutMiddleware``'s limit) and its 503.
    let timeLimit: TimeAmount
    let timeoutError: APIError
    private let metrics = Mutex<RouteMetrics?>(nil)

    init(services: APIServices, logger: Logger, serverName: String) {
        let configuration = services.configuration
        self.services = services
        self.logger = logger
        self.serverName = serverName
        accessLogLevel = configuration.accessLogLevel
        accessLog = configuration.accessLog
        counters = configuration.servingCounters
        // The same Duration as the middleware's, so the message reads the same.
        let limit = Duration.milliseconds(Int64(configuration.requestTimeoutSeconds * 1_000))
        let (seconds, attoseconds) = limit.components
        timeLimit = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        timeoutError = RequestTimeoutMiddleware.timeoutError(limit: limit)
    }

    enum Decision {
        /// Hummingbird answers it.
        case passThrough
        /// Answered at once with this error (path limit, key, id, `fields`).
        case refuse(APIError)
        /// Read the profile and answer.
        case read(userId: String, sections: [ProfileDocument.Section])
    }

    /// The last `Authorization` header a connection sent, with its key and the key's hash:
    /// a client sends the same key on every request of a connection.
    struct KeyMemo {
        var header: String?
        var key: APIKey?
        var hash = ""
    }

    /// What to do with a request head, decided without waiting. The checks run in the order
    /// the middleware chain runs them: path limit, key, id, `fields`.
    func decide(_ head: HTTPRequest, memo: inout KeyMemo) -> Decision {
        guard head.method == .get, let target = head.path, case .plain(authorization: let header) = Self.headers(head.headerFields) else { return .passThrough }
        let bytes = target.utf8
        guard bytes.starts(with: Self.prefix) else { return .passThrough }
        let afterPrefix = bytes.index(bytes.startIndex, offsetBy: Self.prefix.count)
        let queryStart = bytes[afterPrefix...].firstIndex(of: UInt8(ascii: "?"))
        let rawId = Substring(target[afterPrefix..<(queryStart ?? bytes.endIndex)])
        guard Self.isPlainId(rawId) else { return .passThrough }
        var fields: String?
        if let queryStart {
            guard let value = Self.fieldsValue(Substring(target[bytes.index(after: queryStart)...])) else { return .passThrough }
            fields = value
        }
        // No segment can pass its limit when the whole path is within the smallest one.
        if bytes.count > EventValidator.maxUserIdBytes {
            let path = queryStart.map { String(target[..<$0]) } ?? target
            if let problem = PathLimitMiddleware.problem(path: path) { return .refuse(problem) }
        }
        let authenticator = Authenticator(services: services)
        let check: Authenticator.CachedCheck
        if let header, header == memo.header, let key = memo.key {
            check = authenticator.checkCached(key, hash: memo.hash, minimum: .reader)
        } else {
            switch authenticator.key(from: header) {
            case .failure(let error): return .refuse(error)
            case .success(let key):
                memo = KeyMemo(header: header, key: key, hash: key.hash)
                check = authenticator.checkCached(key, hash: memo.hash, minimum: .reader)
            }
        }
        switch check {
        case .needsLookup: return .passThrough
        case .refused(let error): return .refuse(error)
        case .admitted: break
        }
        let userId: String
        if !rawId.utf8.contains(UInt8(ascii: "%")) {
            userId = String(rawId)  // nothing to decode, and not empty
        } else {
            switch APIRequestContext.decodedParameter(String(rawId), name: "userId") {
            case .success(let decoded): userId = decoded
            case .failure(let error): return .refuse(error)
            }
        }
        do {
            return .read(userId: userId, sections: try ProfileDocument.sections(fields))
        } catch let error as APIError {
            return .refuse(error)
        } catch {
            return .passThrough  // sections(_:) throws only APIError
        }
    }

    /// The profile's `HGETALL`, sent on a Redis connection of `eventLoop`; its reply as the
    /// bytes Redis sent, read by ``answer(to:userId:sections:target:logger:)`` without a
    /// ``RedisReply`` per field.
    func read(_ userId: String, on eventLoop: any EventLoop) -> EventLoopFuture<ByteBuffer> {
        services.redis.replyBytes(["HGETALL", ProfileKeys.profile(userId)], on: eventLoop)
    }

    /// The answer to a read's outcome, logging a failure as ``APIErrorMiddleware`` does.
    func answer(
        to outcome: Result<ByteBuffer, any Error>, userId: String, sections: [ProfileDocument.Section], target: String, logger: () -> Logger
    ) -> Result<[UInt8], APIError> {
        do {
            let bytes = try outcome.get()
            // The usual hash straight from the bytes; any other reply (an error, non-ASCII) decoded first.
            let profile = try ASCIIProfileHash(resp: bytes).map(StoredProfile.init(ascii:))
                ?? StoredProfile(hash: RedisReply(resp: bytes).throwIfError())
            return ProfileRoutes.document(profile, userId: userId, sections: sections)
        } catch {
            if let mapped = APIError(mapping: error) {
                if mapped.status.code >= 500 { logger().warning("request failed", metadata: ["error": "\(error)"]) }
                return .failure(mapped)
            }
            let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
            logger().error("internal error", metadata: ["error": "\(error)", "path": "\(path)"])
            return .failure(APIError(.internalServerError, code: "internal", "internal error; the server log has the details"))
        }
    }

    /// A request's logger, as Hummingbird makes it (with its request id).
    func requestLogger(id: RequestID) -> Logger {
        var logger = self.logger
        logger[metadataKey: "hb.request.id"] = .stringConvertible(id)
        return logger
    }

    /// Whether the access log line would be written at all.
    var logsRequests: Bool { accessLog != nil || logger.logLevel <= accessLogLevel }

    /// The access log line of ``AccessLogMiddleware``: built as bytes by ``accessLog`` when
    /// there is one, else through the request's `Logger` (made by `logger`).
    func logRequest(id: RequestID, logger: () -> Logger, status: Int, start: NIODeadline, end: NIODeadline) {
        let milliseconds = Double((end - start).nanoseconds) / 1e6
        if let accessLog {
            accessLog.record(AccessLogFields(requestId: id.description, method: "GET", route: Self.route, status: status, milliseconds: milliseconds))
            return
        }
        logger().log(level: accessLogLevel, "request", metadata: [
            "method": "GET", "route": "\(Self.route)", "status": "\(status)", "ms": "\((milliseconds * 100).rounded() / 100)",
        ])
    }

    /// The request metrics Hummingbird's `MetricsMiddleware` records for the route.
    func routeMetrics() -> RouteMetrics {
        metrics.withLock { metrics in
            if let metrics { return metrics }
            let made = RouteMetrics(route: Self.route)
            metrics = made
            return made
        }
    }

    private enum Headers {
        /// Nothing unusual; the `Authorization` header, if one.
        case plain(authorization: String?)
        case unusual
    }

    /// Whether the head has no header that changes how the request is read or the connection
    /// is kept (those go to Hummingbird, which handles them), and its `Authorization`: one
    /// pass over the fields instead of a lookup per name. Two `Authorization` fields go to
    /// Hummingbird too (looked up by name they would read as one value, joined).
    private static func headers(_ fields: HTTPFields) -> Headers {
        var authorization: String?
        for field in fields {
            switch field.name {
            case .authorization:
                guard authorization == nil else { return .unusual }
                authorization = field.value
            case .connection, .contentLength, .transferEncoding, .expect, .upgrade: return .unusual
            default: break
            }
        }
        return .plain(authorization: authorization)
    }

    /// An id segment of unreserved characters and percent escapes: one path segment for any
    /// router, nothing to normalise. Anything else goes to Hummingbird.
    private static func isPlainId(_ raw: Substring) -> Bool {
        guard !raw.isEmpty, raw != ".", raw != ".." else { return false }
        return raw.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"): true
            default: false
            }
        }
    }

    /// The value of a query that is exactly `fields=<section names and commas>`, which needs
    /// no decoding; `nil` for any other query.
    private static func fieldsValue(_ query: Substring) -> String? {
        guard query.hasPrefix("fields=") else { return nil }
        let value = query.dropFirst("fields=".count)
        guard !value.isEmpty, value.utf8.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0 == UInt8(ascii: ",") }) else {
            return nil
        }
        return String(value)
    }
}

/// The metrics `MetricsMiddleware` keeps for one route and method (GET): the active-request
/// meter, and per status a request counter and a duration timer, under the same labels and
/// dimensions, so a metrics backend sees one series whichever path answered.
final class RouteMetrics: Sendable {
    let route: String
    let activeRequests: Meter
    private let byStatus = Mutex<[Int: (Counter, Metrics.Timer)]>([:])

    init(route: String) {
        self.route = route
        activeRequests = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", "GET")])
    }

    /// The counter and timer of one status; a connection keeps the one it last used.
    struct Series {
        let status: Int
        let counter: Counter
        let timer: Metrics.Timer
        let activeRequests: Meter

        /// Counts a request that started at `startNanoseconds` (uptime).
        func record(startNanoseconds: UInt64, nowNanoseconds: UInt64) {
            counter.increment()
            timer.recordNanoseconds(Int64(nowNanoseconds - startNanoseconds))
            activeRequests.decrement()
        }
    }

    /// The series of requests answered with `status`.
    func series(status: Int) -> Series {
        let (counter, timer) = byStatus.withLock { byStatus in
            if let known = byStatus[status] { return known }
            let dimensions = [("http.route", route), ("http.request.method", "GET"), ("http.response.status_code", String(status))]
            let made = (Counter(label: "hb.requests", dimensions: dimensions),
                        Metrics.Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds))
            byStatus[status] = made
            return made
        }
        return Series(status: status, counter: counter, timer: timer, activeRequests: activeRequests)
    }

    /// Counts a request answered with `status` that started at `startNanoseconds` (uptime).
    func record(status: Int, startNanoseconds: UInt64, nowNanoseconds: UInt64) {
        series(status: status).record(startNanoseconds: startNanoseconds, nowNanoseconds: nowNanoseconds)
    }
}
