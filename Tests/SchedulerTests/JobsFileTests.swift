import Foundation
import PortraitScheduler
import Testing

@Suite("config/jobs.yaml and syncing it into the jobs table", .serialized)
struct JobsFileTests {
    @Test func theShippedFileParses() throws {
        let specs = try JobsFile.load(path: SchedulerTestDatabase.root.appendingPathComponent("config/jobs.yaml").path)
        #expect(specs.map(\.name) == ["backfill", "nightly_recompute", "segment_sizes", "weekly_retrain"])
        #expect(specs[0].kind == .backfill && specs[0].cron == nil && specs[0].enabled)
        let nightly = specs[1]
        #expect(nightly.kind == .recompute)
        #expect(nightly.cron == (try CronExpression(parsing: "0 3 * * *")))
        #expect(nightly.timeZoneName == "Europe/Berlin")
        #expect(nightly.missedRunPolicy == .catchUpOnce)
        #expect(nightly.maxRetries == 2)
        #expect(nightly.timeoutMs == 14_400_000)
        #expect(specs[2].enabled)
        #expect(specs[3].params == .object([
            "model": .string("high_value"), "algorithm": .string("logistic_regression"),
            "features": .array([.string("m.orders_30d"), .string("m.views_1d")]), "label": .string("t.high_value"),
        ]))
    }

    @Test(arguments: [
        ("jobs:\n  nightly:\n    kind: custom\n    cron: \"0 25 * * *\"\n", "f.yaml: jobs.nightly.cron: column 3: hour 25 is out of range 0-23 in \"0 25 * * *\""),
        ("jobs:\n  x:\n    kind: nope\n", "f.yaml: jobs.x.kind: must be one of recompute, backfill, retrain, segment_sizes, custom"),
        ("jobs:\n  x:\n    kind: custom\n    crn: \"* * * * *\"\n", "f.yaml: jobs.x.crn: unknown key; expected one of cron, enabled, kind, max_retries, missed_run_policy, params, retry_backoff_ms, time_zone, timeout_ms"),
        ("jobs:\n  x:\n    kind: custom\n    time_zone: Mars/Olympus\n", "f.yaml: jobs.x.time_zone: unknown time zone 'Mars/Olympus'; use an IANA name such as UTC or Europe/Berlin"),
        ("jobs:\n  x:\n    kind: custom\n    missed_run_policy: always\n", "f.yaml: jobs.x.missed_run_policy: must be skip or catch_up_once"),
        ("jobs:\n  x:\n    kind: custom\n    max_retries: -1\n", "f.yaml: jobs.x.max_retries: must be between 0 and 100"),
        ("jobs:\n  bad name:\n    kind: custom\n", "f.yaml: jobs.bad name.name: use lowercase letters, digits and '_', starting with a letter, at most 128 characters, got 'bad name'"),
        ("job:\n  x:\n    kind: custom\n", "f.yaml: job: unknown key; expected jobs"),
    ])
    func mistakesNameTheJobAndKey(text: String, message: String) {
        #expect { try JobsFile.parse(text, file: "f.yaml") } throws: { error in
            "\(error)" == message
        }
    }

    @Test func syncCreatesUpdatesAndDisablesConfigJobsButNeverTakesARuntimeName() async throws {
        let database = try SchedulerTestDatabase.fresh("sync")
        let node = TestScheduler(database, holder: "node-a", clock: ManualClock(utc("2025-06-01 00:00")), runners: JobRunners())
        let store = node.store
        let first = try JobsFile.parse("""
            jobs:
              a: {kind: custom, cron: "0 * * * *"}
              b: {kind: custom, cron: "@daily", max_retries: 1}
            """, file: "jobs.yaml")
        #expect(try store.syncConfig(first, now: utc("2025-06-01 00:00")) == JobStore.SyncReport(created: ["a", "b"]))
        #expect(try store.syncConfig(first, now: utc("2025-06-01 00:01")) == JobStore.SyncReport())  // nothing changed

        let second = try JobsFile.parse("""
            jobs:
              a: {kind: custom, cron: "30 * * * *", time_zone: Asia/Tokyo}
            """, file: "jobs.yaml")
        #expect(try store.syncConfig(second, now: utc("2025-06-01 00:02")) == JobStore.SyncReport(updated: ["a"], disabled: ["b"]))
        let a = try store.existing(named: "a")
        #expect(a.source == .config)
        #expect(a.spec.cron?.source == "30 * * * *")
        #expect(a.spec.timeZoneName == "Asia/Tokyo")
        #expect(a.createdAt == utc("2025-06-01 00:00"))
        #expect(try store.existing(named: "b").spec.enabled == false)

        try store.create(JobSpec(name: "mine", kind: .custom, cron: nil), now: utc("2025-06-01 00:03"))
        let clash = try JobsFile.parse("jobs:\n  mine: {kind: custom}\n", file: "jobs.yaml")
        #expect(throws: JobStoreError.nameTakenByRuntimeJob("mine")) { try store.syncConfig(clash, now: utc("2025-06-01 00:04")) }
        #expect(try store.existing(named: "mine").source == .runtime)
        #expect(throws: JobStoreError.alreadyExists("mine")) { try store.create(JobSpec(name: "mine", kind: .custom, cron: nil), now: utc("2025-06-01 00:05")) }
    }
}
