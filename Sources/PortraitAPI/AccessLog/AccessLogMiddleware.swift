import Hummingbird
import Logging

/// One structured line per request once it is answered: method, route (the pattern, not the
/// path, so user ids and query strings stay out of the log), status and duration. Headers
/// are never logged, so neither are keys. Written by ``AccessLog``'s writer when there is one
/// (the same bytes as the profile fast path's lines), else through the request's `Logger`.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let level: Logger.Level
    let accessLog: AccessLog?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context: context, status: response.status.code, start: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            log(request, context: context, status: status, start: start)
            throw error
        }
    }

    private func log(_ request: Request, context: Context, status: Int, start: ContinuousClock.Instant) {
        let took = start.duration(to: .now)
        let milliseconds = Double(took.components.seconds) * 1_000 + Double(took.components.attoseconds) / 1e15
        if let accessLog {
            accessLog.record(AccessLogFields(
                requestId: context.logger[metadataKey: "hb.request.id"]?.description, method: request.method.rawValue,
                route: context.endpointPath ?? "unmatched", status: status, milliseconds: milliseconds))
            return
        }
        context.logger.log(level: level, "request", metadata: [
            "method": "\(request.method)", "route": "\(context.endpointPath ?? "unmatched")", "status": "\(status)",
            "ms": "\((milliseconds * 100).rounded() / 100)",
        ])
    }
}
