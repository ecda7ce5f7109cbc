import Hummingbird
import NIOCore
import NIOPosix

/// Answers 503 `timeout` when a request takes longer than `limit` (a stuck MySQL or Redis must
/// not hold a client forever). The handler's task is cancelled; a blocking call it made keeps
/// its thread until the client library's own socket timeout.
struct RequestTimeoutMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let limit: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let (seconds, attoseconds) = limit.components
        let timeAmount = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        return try await withoutActuallyEscaping(next) { next in
            // Sendable by construction: the router's responder chain and values are Sendable.
            let box = UnsafeNextBox(next: next)
            return try await withThrowingTaskGroup(of: Response.self) { group in
                group.addTask { try await box.next(request, context) }
                group.addTask {
                    // A timer on an event loop, not Task.sleep: Dispatch's timers (armed and
                    // cancelled once per request) cost ~7% of a profile read's CPU (perf).
                    let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: timeAmount) {}
                    try await withTaskCancellationHandler {
                        try await timer.futureResult.get()
                    } onCancel: {
                        timer.cancel()
                    }
                    throw APIError(.serviceUnavailable, code: "timeout", "the request took longer than \(limit); retry later")
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        }
    }
}

/// Carries the next responder into the task group. `@unchecked Sendable`: Hummingbird's
/// middleware chain is built once from Sendable responders, and the closure does not outlive
/// `handle` (withoutActuallyEscaping).
private struct UnsafeNextBox<Context: RequestContext>: @unchecked Sendable {
    let next: (Request, Context) async throws -> Response
}
