import Foundation
import PortraitScheduler
import Testing

@Suite("Scheduler policies: missed runs, manual runs, cancel, timeout", .serialized)
struct SchedulerPolicyTests {
    /// An hourly job created at 00:30 whose schedulers were all down until 05:10 (ticks
    /// 01:00…05:00 missed), ticked once they are back.
    func afterDowntime(_ policy: MissedRunPolicy, database name: String) async throws -> (TestScheduler, TestRunner, [RunReport]) {
        let database = try SchedulerTestDatabase.fresh(name)
        let runner = TestRunner()
        let node = TestScheduler(database, holder: "node-a", clock: ManualClock(utc("2025-06-01 00:30")), runners: runners(runner))
        var spec = JobSpec(name: "hourly", kind: .custom, cron: try CronExpression(parsing: "0 * * * *"))
        spec.missedRunPolicy = policy
        try node.store.create(spec, now: utc("2025-06-01 00:30"))
        return (node, runner, try await node.tick(at: utc("2025-06-01 05:10")))
    }

    @Test func skipRunsOnlyTheLatestMissedTick() async throws {
        let (node, runner, reports) = try await afterDowntime(.skip, database: "missed_skip")
        #expect(reports.map(\.run.trigger) == [.schedule])
        #expect(reports.map(\.run.scheduledFor) == [utc("2025-06-01 05:00")])
        #expect(runner.calls.map(\.coveredTicks) == [1])
        #expect(try await node.tick(at: utc("2025-06-01 05:20")).isEmpty)  // the older ticks are gone for good
        #expect(try await node.tick(at: utc("2025-06-01 06:00")).map(\.run.scheduledFor) == [utc("2025-06-01 06:00")])
        #expect(try node.store.history(of: "hourly").count == 2)
    }

    @Test func catchUpOnceRunsOneCatchUpRunCoveringEveryMissedTick() async throws {
        let (node, runner, reports) = try await afterDowntime(.catchUpOnce, database: "missed_catch_up")
        #expect(reports.map(\.run.trigger) == [.catchUp])
        #expect(reports.map(\.run.scheduledFor) == [utc("2025-06-01 05:00")])
        #expect(runner.calls.map(\.coveredTicks) == [5])
        #expect(runner.calls.map(\.firstCoveredTick) == [utc("2025-06-01 01:00")])
        #expect(try await node.tick(at: utc("2025-06-01 05:20")).isEmpty)
        // Back on schedule, runs are ordinary again.
        let next = try await node.tick(at: utc("2025-06-01 06:00"))
        #expect(next.map(\.run.trigger) == [.schedule])
        #expect(runner.calls.last?.coveredTicks == 1)
    }

    @Test func aManualRunIsQueuedAndStartedByTheNextTick() async throws {
        let database = try SchedulerTestDatabase.fresh("manual")
        let runner = TestRunner { _, _, _ in JobOutcome(rows: 3) }
        let node = TestScheduler(database, holder: "node-a", clock: ManualClock(utc("2025-06-01 00:00")), runners: runners(runner))
        try node.store.create(JobSpec(name: "on_demand", kind: .custom, cron: nil), now: utc("2025-06-01 00:00"))
        #expect(try await node.tick(at: utc("2025-06-01 08:00")).isEmpty)  // no cron: never due by itself

        let queued = try node.store.requestRun(of: "on_demand", now: utc("2025-06-01 08:00:05"))
        #expect(queued.status == .pending)
        #expect(queued.trigger == .manual)
        let reports = try await node.tick(at: utc("2025-06-01 08:00:10"))
        #expect(reports.map(\.run.id) == [queued.id])
        let run = try #require(try node.store.run(id: queued.id))
        #expect(run.status == .succeeded)
        #expect(run.rows == 3)
        #expect(run.startedAt == utc("2025-06-01 08:00:10"))
        #expect(run.scheduledFor == nil)
        #expect(try await node.tick(at: utc("2025-06-01 08:01")).isEmpty)
    }

    @Test func aCancelIsHonouredAtTheRunnersNextCheck() async throws {
        let database = try SchedulerTestDatabase.fresh("cancel")
        let firstStepDone = Gate()
        let proceed = Gate()
        let secondStep = Gate()
        let runner = TestRunner { _, _, context in
            firstStepDone.open()
            try await proceed.wait()
            try await context.checkCancellation()
            secondStep.open()
            return JobOutcome(rows: 2)
        }
        let node = TestScheduler(database, holder: "node-a", clock: ManualClock(utc("2025-06-01 00:00")), runners: runners(runner))
        var spec = JobSpec(name: "long", kind: .custom, cron: try CronExpression(parsing: "0 1 * * *"))
        spec.retryBackoffMs = 0
        try node.store.create(spec, now: utc("2025-06-01 00:00"))

        let ticking = Task { try await node.tick(at: utc("2025-06-01 01:00")) }
        try await firstStepDone.wait()
        #expect(try node.store.requestCancel(of: "long", now: utc("2025-06-01 01:00")) == 1)
        proceed.open()
        let reports = try await ticking.value
        #expect(reports.map(\.completion.status) == [.cancelled])
        let run = try #require(try node.store.history(of: "long").first)
        #expect(run.status == .cancelled)
        #expect(run.cancelRequested)
        #expect(run.retryAt == nil)  // a cancelled run is not retried
        #expect(try await node.tick(at: utc("2025-06-01 01:00:30")).isEmpty)
        #expect(runner.calls.count == 1)
        #expect(!secondStep.isOpen)  // the step after the check never ran
    }

    @Test func aRunPastItsTimeoutIsStoppedAndRecordedAsFailed() async throws {
        let database = try SchedulerTestDatabase.fresh("timeout")
        let started = Gate()
        let never = Gate()
        let runner = TestRunner { _, _, _ in
            started.open()
            try await never.wait()  // ends only when the scheduler cancels the task
            return JobOutcome()
        }
        let clock = ManualClock(utc("2025-06-01 00:00"))
        let node = TestScheduler(database, holder: "node-a", clock: clock, runners: runners(runner))
        var spec = JobSpec(name: "slow", kind: .custom, cron: try CronExpression(parsing: "0 1 * * *"))
        spec.timeoutMs = 5_000
        spec.maxRetries = 0
        try node.store.create(spec, now: utc("2025-06-01 00:00"))

        let ticking = Task { try await node.tick(at: utc("2025-06-01 01:00")) }
        try await started.wait()
        while clock.sleeperCount == 0 { await Task.yield() }  // the supervisor waits for the timeout
        clock.advance(by: 5)
        let reports = try await ticking.value
        #expect(reports.map(\.completion.status) == [.failed])
        let run = try #require(try node.store.history(of: "slow").first)
        #expect(run.error == "timed out after 5000 ms")
        #expect(run.endedAt == utc("2025-06-01 01:00:05"))
    }
}
