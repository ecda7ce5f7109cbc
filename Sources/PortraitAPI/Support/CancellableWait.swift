import Synchronization

/// Awaits work that does not itself answer cancellation (a blocking call on a Dispatch thread,
/// a Kafka delivery report) so that a cancelled request returns at once with
/// `CancellationError`: the request-timeout middleware cancels the handler and can then answer
/// at its limit instead of when the work happens to end. The work itself runs to its own
/// bound (socket timeouts, Kafka's message timeout, TagLang's limits).
enum CancellableWait {
    /// Runs `start`, which must call its completion exactly once, and returns its result or,
    /// if the task is cancelled first, throws `CancellationError`.
    static func run<T: Sendable>(_ start: @escaping @Sendable (@escaping @Sendable (Result<T, any Error>) -> Void) -> Void) async throws -> T {
        let slot = ResumeOnce<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                slot.install(continuation)
                start { slot.resume($0) }
            }
        } onCancel: {
            slot.resume(.failure(CancellationError()))
        }
    }

    /// `body` in an unstructured task, awaited until done or until this task is cancelled.
    static func detached<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await run { complete in
            Task {
                do { complete(.success(try await body())) } catch { complete(.failure(error)) }
            }
        }
    }
}

/// A continuation resumed by whichever comes first: the result or the cancellation (which may
/// come before the continuation is installed).
private final class ResumeOnce<T: Sendable>: Sendable {
    private enum State {
        case waiting
        case installed(CheckedContinuation<T, any Error>)
        case finished(Result<T, any Error>?)
    }

    private let state = Mutex<State>(.waiting)

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { state in
            switch state {
            case .waiting:
                state = .installed(continuation)
                return nil
            case .finished(let result):
                state = .finished(nil)
                return result
            case .installed:
                return nil
            }
        }
        if let early { continuation.resume(with: early) }
    }

    func resume(_ result: Result<T, any Error>) {
        let continuation: CheckedContinuation<T, any Error>? = state.withLock { state in
            switch state {
            case .waiting:
                state = .finished(result)
                return nil
            case .installed(let continuation):
                state = .finished(nil)
                return continuation
            case .finished:
                return nil
            }
        }
        continuation?.resume(with: result)
    }
}
