import Foundation
import MySQL
import PortraitScheduler
import Testing

@Suite("Scheduler against the dev MariaDB, with a manual clock", .serialized)
struct SchedulerTests {
    @Test func aCronJobFiresOnTimeNotBeforeAndItsHistoryIsRecorded() async throws {
        let database = try SchedulerTestDatabase.fresh("on_time")
        let runner = TestRunner { _, _, _ in
            JobOutcome(rows: 42, result: .object(["users": .integer(7)]),
                       definitionVersions: .object(["metrics": .object(["purchases_7d": .integer(3)]), "tags": .object(["vip": .integer(5)])]),
                       modelVersions: .object(["rfm": .integer(2)]))
        }
        let node = TestScheduler(database, holder: "node-a", clock: ManualClock(utc("2025-06-01 10:02")), runners: runners(runner))
        try node.store.create(JobSpec(name: "quarterly", kind: .custom, cron: try CronExpression(parsing: "*/15 * * * *")), now: utc("2025-06-01 10:02"))

        #expect(try await node.tick(at: utc("2025-06-01 10:14:59")).isEmpty)
        #expect(runner.calls.isEmpty)

        let reports = try await node.tick(at: utc("2025-06-01 10:15"))
        #expect(reports.count == 1)
        #expect(runner.calls.map(\.run.scheduledFor) == [utc("2025-06-01 10:15")])
        #expect(try await node.tick(at: utc("2025-06-01 10:29:59")).isEmpty)  // the 10:15 tick is done
        try await node.tick(at: utc("2025-06-01 10:30:20"))

        let history = try node.store.history(of: "quarterly")
        #expect(history.map(\.scheduledFor) == [utc("2025-06-01 10:30"), utc("2025-06-01 10:15")])
        #expect(history.map(\.status) == [.succeeded, .succeeded])
        #expect(history.map(\.trigger) == [.schedule, .schedule])
        let first = try #require(history.last)
        #expect(first.startedAt == utc("2025-06-01 10:15"))
        #expect(first.endedAt == utc("2025-06-01 10:15"))
        #expect(first.holder == "node-a")
        #expect(first.attempt == 1)
        #expect(first.rows == 42)
        #expect(first.error == nil)
        #expect(first.result == .object(["users": .integer(7)]))
        #expect(first.definitionVersions == .object(["metrics": .object(["purchases_7d": .integer(3)]), "tags": .object(["vip": .integer(5)])]))
        #expect(first.modelVersions == .object(["rfm": .integer(2)]))
        #expect(history[0].startedAt == utc("2025-06-01 10:30:20"))
        #expect(try node.store.existing(named: "quarterly").lastScheduledFor == utc("2025-06-01 10:30"))
        #expect(try node.scheduler.leases.current("quarterly")?.expiresAt == utc("2025-06-01 10:30:20"))  // released
    }

    @Test func twoSchedulersTickingTogetherRunTheJobOnce() async throws {
        let database = try SchedulerTestDatabase.fresh("two_holders")
        let clock = ManualClock(utc("2025-06-01 09:00"))
        let started = Gate()
        let finish = Gate()
        let runner = TestRunner { _, _, _ in
            started.open()
            try await finish.wait()
            return JobOutcome(rows: 1)
        }
        let a = TestScheduler(database, holder: "node-a", clock: clock, runners: runners(runner))
        let b = TestScheduler(database, holder: "node-b", clock: clock, runners: runners(runner))
        try a.store.create(JobSpec(name: "hourly", kind: .custom, cron: try CronExpression(parsing: "0 * * * *")), now: clock.now())

        let tick = utc("2025-06-01 10:00")
        clock.set(tick)
        let reports = try await withThrowingTaskGroup(of: [RunReport].self) { group in
            group.addTask { try await a.scheduler.tick(now: tick) }
            group.addTask { try await b.scheduler.tick(now: tick) }
            try await started.wait()
            // The runner is inside the job and holds the lease: the other scheduler's tick ends
            // without running anything, while the first is still at work.
            let loser = try #require(try await group.next())
            #expect(loser.isEmpty)
            finish.open()
            return try #require(try await group.next())
        }
        #expect(reports.count == 1)
        #expect(runner.calls.count == 1)
        #expect(try a.store.history(of: "hourly").count == 1)
        #expect(try a.scheduler.leases.current("hourly")?.token == 1)  // acquired once
        // Ticking again at the same instant finds the tick done, whichever scheduler asks.
        #expect(try await a.scheduler.tick(now: tick).isEmpty)
        #expect(try await b.scheduler.tick(now: tick).isEmpty)
        #expect(runner.calls.count == 1)
    }

    @Test func aCrashedHoldersLeaseIsTakenOverAndItsLateFinishIsFenced() async throws {
        let database = try SchedulerTestDatabase.fresh("takeover")
        let start = utc("2025-06-01 10:00")
        let frozenStarted = Gate()
        let thaw = Gate()
        // node-a's clock never moves: its lease is never renewed, as if the process hung or died.
        let frozenRunner = TestRunner { _, _, _ in
            frozenStarted.open()
            try await thaw.wait()
            return JobOutcome(rows: 111)
        }
        let takeoverRunner = TestRunner { _, _, _ in JobOutcome(rows: 222) }
        let a = TestScheduler(database, holder: "node-a", clock: ManualClock(start), runners: runners(frozenRunner))
        let b = TestScheduler(database, holder: "node-b", clock: ManualClock(start), runners: runners(takeoverRunner))
        var spec = JobSpec(name: "nightly", kind: .custom, cron: try CronExpression(parsing: "0 10 * * *"))
        spec.maxRetries = 1
        try a.store.create(spec, now: utc("2025-06-01 09:00"))

        let frozen = Task { try await a.tick(at: start) }
        try await frozenStarted.wait()
        #expect(try await b.tick(at: start.addingTimeInterval(30)).isEmpty)  // lease still valid
        #expect(try await b.tick(at: start.addingTimeInterval(59.5)).isEmpty)  // valid until 60 s after its last renewal
        #expect(takeoverRunner.calls.isEmpty)

        let takeover = try await b.tick(at: start.addingTimeInterval(60))
        #expect(takeover.map(\.completion.status) == [.succeeded])
        let lease = try #require(try b.scheduler.leases.current("nightly"))
        #expect(lease.token == 2)
        #expect(lease.holder == "node-b")

        thaw.open()
        let late = try await frozen.value
        #expect(late.count == 1)
        #expect(late.first?.recorded == false)  // refused by the fence: the token moved on
        #expect(late.first?.completion.status == .succeeded)

        let history = try a.store.history(of: "nightly")
        #expect(history.map(\.attempt) == [2, 1])
        #expect(history.map(\.status) == [.succeeded, .abandoned])
        #expect(history.map(\.holder) == ["node-b", "node-a"])
        #expect(history.map(\.trigger) == [.retry, .schedule])
        #expect(history.map(\.rows) == [222, nil])  // node-a's result never landed
        #expect(history[1].error?.contains("node-a stopped renewing its lease; taken over by node-b") == true)
        #expect(history.allSatisfy { $0.scheduledFor == start })
        #expect(try a.scheduler.leases.current("nightly")?.token == 2)  // the late finish released nothing
    }

    @Test func aFailingJobIsRecordedWithItsErrorAndRetriedWithBackoffUntilGivenUp() async throws {
        let database = try SchedulerTestDatabase.fresh("retries")
        let runner = TestRunner { call, _, _ in throw Boom(description: "warehouse unreachable (call \(call))") }
        let node = TestScheduler(database, holder: "node-a", clock: ManualClock(utc("2025-06-01 00:00")), runners: runners(runner))
        var spec = JobSpec(name: "flaky", kind: .custom, cron: try CronExpression(parsing: "0 3 * * *"))
        spec.maxRetries = 2
        spec.retryBackoffMs = 60_000
        try node.store.create(spec, now: utc("2025-06-01 00:00"))

        let first = try await node.tick(at: utc("2025-06-01 03:00"))
        #expect(first.map(\.completion.status) == [.failed])
        #expect(first.first?.completion.retryAt == utc("2025-06-01 03:01"))
        #expect(try await node.tick(at: utc("2025-06-01 03:00:59")).isEmpty)  // backoff not over
        let second = try await node.tick(at: utc("2025-06-01 03:01"))
        #expect(second.first?.completion.retryAt == utc("2025-06-01 03:03"))  // the wait doubles
        #expect(try await node.tick(at: utc("2025-06-01 03:02:59")).isEmpty)
        let third = try await node.tick(at: utc("2025-06-01 03:03"))
        #expect(third.first?.completion.retryAt == nil)  // 1 + max_retries attempts: given up
        #expect(try await node.tick(at: utc("2025-06-01 12:00")).isEmpty)
        #expect(runner.calls.count == 3)

        let history = try node.store.history(of: "flaky")
        #expect(history.map(\.attempt) == [3, 2, 1])
        #expect(history.map(\.trigger) == [.retry, .retry, .schedule])
        #expect(history.map(\.status) == [.failed, .failed, .failed])
        #expect(history.map(\.error) == ["warehouse unreachable (call 3)", "warehouse unreachable (call 2)", "warehouse unreachable (call 1)"])
        #expect(history.allSatisfy { $0.scheduledFor == utc("2025-06-01 03:00") })

        // The next day's tick starts afresh at attempt 1.
        let nextDay = try await node.tick(at: utc("2025-06-02 03:00"))
        #expect(nextDay.first?.run.attempt == 1)
        #expect(nextDay.first?.run.scheduledFor == utc("2025-06-02 03:00"))
    }

    @Test func aRetryThatSucceedsEndsTheRetries() async throws {
        let database = try SchedulerTestDatabase.fresh("retry_ok")
        let runner = TestRunner { call, _, _ in
            if call == 1 { throw Boom(description: "transient") }
            return JobOutcome(rows: 5)
        }
        let node = TestScheduler(database, holder: "node-a", clock: ManualClock(utc("2025-06-01 00:00")), runners: runners(runner))
        var spec = JobSpec(name: "once_flaky", kind: .custom, cron: try CronExpression(parsing: "0 3 * * *"))
        spec.retryBackoffMs = 0
        try node.store.create(spec, now: utc("2025-06-01 00:00"))
        try await node.tick(at: utc("2025-06-01 03:00"))
        try await node.tick(at: utc("2025-06-01 03:00:01"))
        #expect(try await node.tick(at: utc("2025-06-01 04:00")).isEmpty)
        let history = try node.store.history(of: "once_flaky")
        #expect(history.map(\.status) == [.succeeded, .failed])
        #expect(history.map(\.retryAt) == [nil, nil])  // the failed one's retry was taken
    }

    @Test func aKindWithNoRunnerFailsClearlyAndIsNotRetried() async throws {
        let database = try SchedulerTestDatabase.fresh("unplugged")
        let node = TestScheduler(database, holder: "node-a", clock: ManualClock(utc("2025-06-01 00:00")), runners: JobRunners())
        try node.store.create(JobSpec(name: "rebuild", kind: .recompute, cron: try CronExpression(parsing: "@hourly")), now: utc("2025-06-01 00:00"))
        let reports = try await node.tick(at: utc("2025-06-01 01:00"))
        #expect(reports.map(\.completion.status) == [.failed])
        #expect(try await node.tick(at: utc("2025-06-01 01:30")).isEmpty)
        let run = try #require(try node.store.history(of: "rebuild").first)
        #expect(run.error == "no runner for job kind 'recompute' in this build of portrait schedule")
        #expect(run.retryAt == nil)
    }
}
