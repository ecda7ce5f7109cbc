import Foundation
import Synchronization

/// Gathers per-thread counts of a parallel job and lets finished sources wait for the tasks.
@usableFromInline
final class ResultCollector: Sendable {
    struct Totals {
        var result = JobResult()
        var tasksDone = 0
    }

    let tasks: Int
    let totals = Mutex(Totals())

    @usableFromInline
    init(tasks: Int, sources: Int) { self.tasks = tasks }

    @usableFromInline
    func addSource(recordsRead: Int) {
        totals.withLock { $0.result.recordsRead += recordsRead }
    }

    @usableFromInline
    func addTask(written: Int, side: Int, state: StateMetrics) {
        totals.withLock {
            $0.result.recordsWritten += written
            $0.result.sideOutputRecords += side
            $0.result.finalState.keys += state.keys
            $0.result.finalState.entries += state.entries
            $0.result.finalState.timers += state.timers
            $0.tasksDone += 1
        }
    }

    /// Blocks until every task has closed its sinks, or the job is cancelled.
    @usableFromInline
    func waitForTasks(cancelled: () -> Bool) {
        while !cancelled() {
            if totals.withLock({ $0.tasksDone }) == tasks { return }
            Thread.sleep(forTimeInterval: 0.001)
        }
    }

    @usableFromInline
    var result: JobResult { totals.withLock { $0.result } }
}
