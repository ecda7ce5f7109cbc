import Foundation
import Synchronization

/// Runs one flush at a time on a thread of its own (hiredis blocks; this is never the
/// cooperative pool), so the processor folds the next inputs while the previous flush is
/// built, sent and applied by Redis: compute and I/O overlap.
final class BackgroundFlush: Sendable {
    /// What the running flush answered, once it has; `nil` while it runs or when none ran.
    private let outcome = Mutex<Result<[WriteOutcome], any Error>?>(nil)
    private let finished = DispatchSemaphore(value: 0)
    private let running = Atomic<Bool>(false)

    /// Starts `work`; the previous flush must have been waited for.
    func start(_ work: @escaping @Sendable () throws -> [WriteOutcome]) {
        precondition(!running.load(ordering: .acquiring), "one flush at a time")
        running.store(true, ordering: .releasing)
        let thread = Thread { [self] in
            let result = Result { try work() }
            outcome.withLock { $0 = result }
            finished.signal()
        }
        thread.name = "portrait-flush"
        thread.start()
    }

    /// Waits for the running flush (or, without `blocking`, takes its answer only if it is
    /// there already); `nil` when none is running or, not blocking, it is still running.
    func wait(blocking: Bool = true) -> Result<[WriteOutcome], any Error>? {
        guard running.load(ordering: .acquiring) else { return nil }
        if blocking { finished.wait() } else if finished.wait(timeout: .now()) == .timedOut { return nil }
        running.store(false, ordering: .releasing)
        return outcome.withLock { result in
            defer { result = nil }
            return result
        }
    }
}
