import Foundation
import Redis
import Synchronization

/// Runs one flush at a time, in lanes on threads of their own (hiredis blocks; this is never
/// the cooperative pool), so the processor folds the next inputs while the previous flush is
/// built, sent and applied by Redis: compute and I/O overlap. Each lane has its own Redis
/// connection and takes the users of its own partitions, so a user's writes stay in order
/// from one flush to the next.
final class BackgroundFlush: Sendable {
    let stores: [RedisProfileStore]
    /// Each running lane's answer, once it has one.
    private let outcomes: Mutex<[Result<[WriteOutcome], any Error>?]>
    private let finished = DispatchSemaphore(value: 0)
    private let running = Atomic<Int>(0)

    /// `lanes` connections like `store`'s.
    init(lanes: Int, like store: RedisProfileStore) throws {
        stores = try (0..<lanes).map { _ in
            var lane = RedisProfileStore(connection: try RedisConnection(configuration: store.connection.configuration), denseIdsFrom: store.denseIds)
            lane.deferredBitmaps = store.deferredBitmaps
            return lane
        }
        outcomes = Mutex(Array(repeating: nil, count: lanes))
    }

    /// The lane that writes `partition`'s users.
    func lane(of partition: Int32) -> Int { Int(partition.magnitude % UInt32(stores.count)) }

    /// Starts `work` on every lane (given the lane's store and number); the previous flush
    /// must have been waited for.
    func start(_ work: @escaping @Sendable (_ store: RedisProfileStore, _ lane: Int) throws -> [WriteOutcome]) {
        precondition(running.load(ordering: .acquiring) == 0, "one flush at a time")
        running.store(stores.count, ordering: .releasing)
        for (lane, store) in stores.enumerated() {
            let thread = Thread { [self] in
                let result = Result { try work(store, lane) }
                outcomes.withLock { $0[lane] = result }
                finished.signal()
            }
            thread.name = "portrait-flush-\(lane)"
            thread.start()
        }
    }

    /// Waits for every lane of the running flush (or, without `blocking`, takes the answers
    /// only if all are there already) and returns them by lane; `nil` when none is running
    /// or, not blocking, a lane is still running. The first lane's error is thrown.
    func wait(blocking: Bool = true) -> Result<[[WriteOutcome]], any Error>? {
        var pending = running.load(ordering: .acquiring)
        guard pending > 0 else { return nil }
        while pending > 0 {
            if blocking { finished.wait() } else if finished.wait(timeout: .now()) == .timedOut {
                running.store(pending, ordering: .releasing)
                return nil
            }
            pending -= 1
        }
        running.store(0, ordering: .releasing)
        let results = outcomes.withLock { results in
            defer { results = Array(repeating: nil, count: results.count) }
            return results
        }
        return Result { try results.map { try $0!.get() } }
    }
}
