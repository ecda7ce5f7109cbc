import Dispatch

/// Runs the synchronous MySQL calls on Dispatch's threads: the cooperative pool must never
/// block, and a scheduler with two cores has only two of its threads.
enum Blocking {
    private static let queue = DispatchQueue(label: "portrait.scheduler.mysql", attributes: .concurrent)

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
