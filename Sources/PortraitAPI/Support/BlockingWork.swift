import Dispatch

/// Runs the synchronous MySQL, Redis and pool calls on Dispatch's threads rather than the
/// cooperative pool, which must never block (a full pool waits on a semaphore).
enum BlockingWork {
    private static let queue = DispatchQueue(label: "portrait.api.blocking", attributes: .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
