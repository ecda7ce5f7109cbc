import Dispatch

/// Runs the runners' synchronous MySQL, Redis and training calls on Dispatch's threads: the
/// cooperative pool must never block, and the scheduler's own loop shares it.
enum BlockingWork {
    private static let queue = DispatchQueue(label: "portrait.jobs.blocking", attributes: .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
