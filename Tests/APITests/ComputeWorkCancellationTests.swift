import Foundation
import PortraitCore
import Synchronization
import Testing
import TagLang
@testable import PortraitAPI

/// A TagLang compile already running in `ComputeWork` stops when its request is cancelled
/// (what `RequestTimeoutMiddleware` does at the timeout), instead of running to the end of
/// TagLang's limits. Observed by counting the compile's work, never by timing it.
@Suite struct ComputeWorkCancellationTests {
    /// The largest segment list TagLang takes: 5,000 items.
    static let expression = "tag.tier in [" + Array(repeating: "\"v\"", count: TagLangLimits.maxListItems).joined(separator: ",") + "]"
    static let kinds: [String: TagDefinition.Kind] = ["tier": .enumerated]

    @Test func aCompileRunningWhenItsRequestIsCancelledStops() async throws {
        let full = TagLangWorkCounter()
        _ = try TagLangWorkCounter.$current.withValue(full) { try SegmentRequest.compile(Self.expression, kinds: Self.kinds) }

        let gate = Gate()
        let counter = TagLangWorkCounter()
        let request = Task {
            try await ComputeWork.run {
                // The job has started on a compute thread; it goes on once the request is cancelled.
                gate.arrive()
                gate.waitForRelease()
                do {
                    let plan = try TagLangWorkCounter.$current.withValue(counter) { try SegmentRequest.compile(Self.expression, kinds: Self.kinds) }
                    gate.finish(nil)
                    return plan
                } catch {
                    gate.finish(error)
                    throw error
                }
            }
        }
        try await gate.untilArrived()
        request.cancel()
        let answer = await request.result
        #expect(throws: CancellationError.self, "the request stops waiting at once") { try answer.get() }
        #expect(!gate.isFinished, "the request returned while its job was still running")

        gate.release()
        let ending = try await gate.untilFinished()
        #expect(ending is CancellationError, "the running compile stopped at its next check, got \(String(describing: ending))")
        #expect(counter.steps < full.steps / 10, "\(counter.steps) steps after the cancel; a whole compile takes \(full.steps)")
    }

    @Test func anUncancelledJobCompilesAsWithoutComputeWork() async throws {
        let direct = try SegmentRequest.compile(Self.expression, kinds: Self.kinds)
        let viaComputeWork = try await ComputeWork.run { try SegmentRequest.compile(Self.expression, kinds: Self.kinds) }
        #expect(viaComputeWork == direct)
    }
}

/// Lets the test hold a compute job at a known point and see how it ended.
private final class Gate: Sendable {
    private let state = Mutex<(arrived: Bool, ending: (any Error)??)>((false, nil))
    private let released = DispatchSemaphore(value: 0)

    func arrive() { state.withLock { $0.arrived = true } }
    func waitForRelease() { released.wait() }
    func release() { released.signal() }
    func finish(_ error: (any Error)?) { state.withLock { $0.ending = .some(error) } }
    var isFinished: Bool { state.withLock { $0.ending != nil } }

    func untilArrived() async throws {
        try await Self.poll { self.state.withLock { $0.arrived } }
    }

    /// The job's error, or nil when it finished its compile.
    func untilFinished() async throws -> (any Error)? {
        try await Self.poll { self.isFinished }
        return state.withLock { $0.ending! }
    }

    /// Polls `condition` (the deadline only bounds a failing run).
    private static func poll(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
