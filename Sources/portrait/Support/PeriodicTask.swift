import Foundation
import Synchronization

/// Runs `body` every `interval` seconds on a thread of its own until ``stop()``: the model
/// registry poll and the online model's snapshots, beside the processor's loop.
final class PeriodicTask: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let finished = Mutex<Bool>(false)

    init(name: String, every interval: Double, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            var next = Date().addingTimeInterval(interval)
            while !stopped.load(ordering: .relaxed) {
                if Date() >= next {
                    body()
                    next = Date().addingTimeInterval(interval)
                }
                Thread.sleep(forTimeInterval: min(0.05, interval))  // short naps so stop() returns quickly
            }
            finished.withLock { $0 = true }
        }
        thread.name = name
        thread.start()
    }

    /// Stops the thread and waits for a running `body` to finish.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        while !finished.withLock({ $0 }) { Thread.sleep(forTimeInterval: 0.01) }
    }
}
