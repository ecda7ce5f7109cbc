import NIOCore

/// Runs a task's jobs on one SwiftNIO event loop (SE-0417 task executor preference). A request
/// handled under it stays on its connection's loop from the HTTP read to the response write,
/// and the Redis reply that wakes it is delivered on that same loop: no thread hop per step,
/// where the global concurrent pool cost two per await (Benchmarks/README.md, issue #16).
///
/// Whatever runs under it must never block: a blocking call would stall every connection of
/// the loop. The API's blocking work (MySQL) already runs on ``BlockingWork``'s threads.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { [self] in
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// One executor per event loop, made once: a task's preference must outlive the task, and
/// comparing executors by identity keeps a task already on its loop from being re-enqueued.
final class EventLoopTaskExecutors: Sendable {
    private let executors: [ObjectIdentifier: EventLoopTaskExecutor]

    init(group: any EventLoopGroup) {
        var executors: [ObjectIdentifier: EventLoopTaskExecutor] = [:]
        for eventLoop in group.makeIterator() {
            executors[ObjectIdentifier(eventLoop)] = EventLoopTaskExecutor(eventLoop: eventLoop)
        }
        self.executors = executors
    }

    /// The executor of `eventLoop`; `nil` for a loop outside the group.
    func executor(for eventLoop: any EventLoop) -> EventLoopTaskExecutor? {
        executors[ObjectIdentifier(eventLoop)]
    }
}
