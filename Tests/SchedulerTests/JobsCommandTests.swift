import Foundation
import MySQL
import PortraitScheduler
import Testing

/// `portrait jobs …` as a user runs it: the built executable against a scratch database.
@Suite("portrait jobs", .serialized)
struct JobsCommandTests {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func portrait(_ arguments: [String], database: MySQLConfiguration) throws -> Output {
        let executable = SchedulerTestDatabase.root.appendingPathComponent(".build/debug/portrait")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw Boom(description: "\(executable.path) is missing: run `swift build` before `swift test`")
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = SchedulerTestDatabase.root
        var environment = ProcessInfo.processInfo.environment
        environment["PORTRAIT_MYSQL_URL"] = "mysql://\(database.user):\(database.password)@\(database.host):\(database.port)/\(database.database ?? "")"
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func createRejectsABadCronWithItsColumnAndStoresNothing() throws {
        let database = try SchedulerTestDatabase.fresh("cli_create")
        let bad = try Self.portrait(["jobs", "create", "nightly", "--kind", "custom", "--cron", "*/15 25 * * *"], database: database)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--cron: column 6: hour 25 is out of range 0-23\n  */15 25 * * *\n       ^"))
        let zone = try Self.portrait(["jobs", "create", "nightly", "--kind", "custom", "--cron", "@daily", "--time-zone", "Nowhere/Else"], database: database)
        #expect(zone.status == 64)
        #expect(zone.stderr.contains("--time-zone: unknown time zone 'Nowhere/Else'"))
        #expect(try Self.portrait(["jobs", "list"], database: database).stdout.isEmpty)

        let good = try Self.portrait(
            ["jobs", "create", "nightly", "--kind", "custom", "--cron", "0 3 * * MON-FRI", "--time-zone", "Europe/Berlin", "--params", #"{"days": 7}"#],
            database: database)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.hasPrefix("created job nightly (custom, 0 3 * * MON-FRI (Europe/Berlin))"))
        let again = try Self.portrait(["jobs", "create", "nightly", "--kind", "custom"], database: database)
        #expect(again.status == 1)
        #expect(again.stderr == "error: a job named nightly already exists\n")
        let show = try Self.portrait(["jobs", "show", "nightly"], database: database).stdout
        #expect(show.contains("schedule:\t0 3 * * MON-FRI (Europe/Berlin)\n"))
        #expect(show.contains("params:\t{\"days\":7}\n"))
    }

    @Test func createRefusesANameOutsideTheIdentifierRule() throws {
        let database = try SchedulerTestDatabase.fresh("cli_name")
        let bad = try Self.portrait(["jobs", "create", "Nightly-Run", "--kind", "custom"], database: database)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--name: use lowercase letters, digits and '_', starting with a letter, at most 128 characters, got 'Nightly-Run'"), "\(bad.stderr)")
        #expect(try Self.portrait(["jobs", "list"], database: database).stdout.isEmpty)
    }

    @Test func runQueuesCancelCancelsAndHistoryShowsBoth() throws {
        let database = try SchedulerTestDatabase.fresh("cli_runs")
        #expect(try Self.portrait(["jobs", "create", "adhoc", "--kind", "backfill"], database: database).status == 0)
        let queued = try Self.portrait(["jobs", "run", "adhoc"], database: database)
        #expect(queued.stdout.hasPrefix("queued run #1 of adhoc"))
        #expect(try Self.portrait(["jobs", "history", "adhoc"], database: database).stdout.hasPrefix("#1\tmanual\tattempt 1\tpending\t"))
        #expect(try Self.portrait(["jobs", "cancel", "adhoc"], database: database).stdout == "cancel requested for 1 run(s) of adhoc\n")
        let history = try Self.portrait(["jobs", "history", "adhoc"], database: database).stdout
        #expect(history.hasPrefix("#1\tmanual\tattempt 1\tcancelled\t"))
        #expect(history.contains("error: cancelled before it started"))
        let missing = try Self.portrait(["jobs", "run", "nope"], database: database)
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: no job named nope\n")
    }
}
