import NIOPosix

/// Runs the synchronous MySQL, Kafka-metadata and file calls on a fixed set of threads rather
/// than the cooperative pool, which must never block. Bounded: under load, blocking work queues
/// for one of ``threadCount`` threads instead of starting a thread per request (Redis never
/// comes here; it has the non-blocking `RedisClient`).
enum BlockingWork {
    /// Twice the default MySQL pool: pool waits never take every thread, and admin calls are rare.
    static let threadCount = 8

    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: threadCount)
        pool.start()
        return pool
    }()

    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }
}
