import Hummingbird
import NIOCore
import NIOPosix
import Synchronization

/// Answers 503 `timeout` when a request takes longer than `limit` (a stuck MySQL or Redis must
/// not hold a client forever). The handler runs in one child task; an event-loop timer cancels
/// it at the limit, and once it has returned the answer is the 503. A blocking call it made
/// keeps its thread until the client library's own socket timeout.
///
/// One child task and a timer, not a task group racing the handler against a sleeping task:
/// that second task was created, scheduled and cancelled for every request (perf,
/// Benchmarks/README.md issue #16), and a Dispatch timer cost ~7 % of a profile read's CPU.
struct RequestTimeoutMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let limit: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let (seconds, attoseconds) = limit.components
        let timeAmount = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let deadline = DeadlineCancellation()
        // On the handler's own loop when it runs on one (the group's `any()` is sticky).
        let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: timeAmount) { deadline.fire() }
        defer { timer.cancel() }
        let outcome: Result<Response, any Error> = await withoutActuallyEscaping(next) { next in
            // Sendable by construction: the router's responder chain and values are Sendable.
            let box = UnsafeNextBox(next: next)
            return await withTaskGroup(of: Result<Response, any Error>.self) { group in
                group.addTask {
                    await deadline.cancelling {
                        do { return .success(try await box.next(request, context)) } catch { return .failure(error) }
                    }
                }
                return await group.next()!
            }
        }
        if deadline.fired {
            throw Self.timeoutError(limit: limit)
        }
        return try outcome.get()
    }

    /// The 503 of a request that took longer than `limit` (``ProfileFastPath`` answers it too).
    static func timeoutError(limit: Duration) -> APIError {
        APIError(.serviceUnavailable, code: "timeout", "the request took longer than \(limit); retry later")
    }
}

/// Cancels the task running ``cancelling(_:)`` when ``fire()`` is called while it runs.
private final class DeadlineCancellation: Sendable {
    /// `@unchecked Sendable`: `UnsafeCurrentTask` is not Sendable because using it after its
    /// task ended is undefined; here it is only used under the lock while `state` is
    /// `.running`, and `cancelling` leaves `.running` under the same lock before its task ends.
    private struct RunningTask: @unchecked Sendable {
        let task: UnsafeCurrentTask
    }

    private enum State {
        case waiting
        case running(RunningTask)
        case finished
    }

    private let state = Mutex<State>(.waiting)
    private let didFire = Atomic<Bool>(false)

    /// Whether the deadline passed before the work finished.
    var fired: Bool { didFire.load(ordering: .acquiring) }

    func cancelling<T>(_ work: () async -> T) async -> T {
        withUnsafeCurrentTask { task in
            guard let task else { return }
            state.withLock { state in
                if case .waiting = state { state = .running(RunningTask(task: task)) } else { task.cancel() }  // fired before it started
            }
        }
        let result = await work()
        state.withLock { $0 = .finished }
        return result
    }

    func fire() {
        state.withLock { state in
            switch state {
            case .waiting:
                didFire.store(true, ordering: .releasing)
                state = .finished
            case .running(let running):
                didFire.store(true, ordering: .releasing)
                running.task.cancel()
            case .finished:
                break
            }
        }
    }
}

/// Carries the next responder into the child task. `@unchecked Sendable`: Hummingbird's
/// middleware chain is built once from Sendable responders, and the closure does not outlive
/// `handle` (withoutActuallyEscaping).
private struct UnsafeNextBox<Context: RequestContext>: @unchecked Sendable {
    let next: (Request, Context) async throws -> Response
}
