import Dispatch
import Foundation
import NIOPosix
import Synchronization
import TagLang

/// Runs the synchronous MySQL, Kafka-metadata and file calls on a fixed set of threads rather
/// than the cooperative pool, which must never block. Bounded: under load, blocking work queues
/// for one of ``threadCount`` threads instead of starting a thread per request (Redis never
/// comes here; it has the non-blocking `RedisClient`). A cancelled caller (a timed-out request)
/// stops waiting at once; work not yet started is skipped, work under way ends at its client's
/// own timeout.
enum BlockingWork {
    /// Twice the default MySQL pool: pool waits never take every thread, and admin calls are rare.
    static let threadCount = 8

    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: threadCount)
        pool.start()
        return pool
    }()

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let cancelled = CancelFlag()
        return try await withTaskCancellationHandler {
            try await CancellableWait.run { complete in
                pool.submit { state in
                    guard state == .active, !cancelled.isSet else { return complete(.failure(CancellationError())) }
                    complete(Result { try body() })
                }
            }
        } onCancel: {
            cancelled.set()
        }
    }
}

/// CPU-heavy request work (compiling large TagLang expressions, decoding large bodies) off the
/// cooperative pool and at most one job per core, so a burst of expensive requests can neither
/// starve `/healthz` nor run more CPU work than there are cores. A timed-out request's job is
/// dropped if it has not started; once started, TagLang work in it stops at its next
/// cancellation check (the job's `TagLangCancellation` is cancelled with the request), other
/// work (a body decode) ends at the body's limits.
enum ComputeWork {
    private static let queue = DispatchQueue(label: "portrait.api.compute", attributes: .concurrent)
    private static let slots = DispatchSemaphore(value: max(1, ProcessInfo.processInfo.activeProcessorCount))

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let cancellation = TagLangCancellation()
        return try await withTaskCancellationHandler {
            try await CancellableWait.run { complete in
                queue.async {
                    slots.wait()
                    defer { slots.signal() }
                    guard !cancellation.isCancelled else { return complete(.failure(CancellationError())) }
                    complete(Result { try TagLangCancellation.$current.withValue(cancellation) { try body() } })
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }
}

/// Set once when the waiting task is cancelled; read by the Dispatch block before it starts.
private final class CancelFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}
