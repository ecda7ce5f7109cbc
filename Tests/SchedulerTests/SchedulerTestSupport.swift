import Foundation
import Logging
import MySQL
import PortraitMetadata
import PortraitScheduler
import Synchronization

/// A scratch database `portrait_test_scheduler_<name>` with every migration, on the MariaDB
/// that `scripts/services up` runs.
enum SchedulerTestDatabase {
    static let environment = ProcessInfo.processInfo.environment
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var serverURL: String {
        environment["PORTRAIT_MYSQL_URL"] ?? "mysql://portrait:portrait@127.0.0.1:\(environment["PORTRAIT_MYSQL_PORT"] ?? "3306")/portrait"
    }

    static func fresh(_ name: String) throws -> MySQLConfiguration {
        var configuration = try MySQLConfiguration(url: serverURL)
        let admin = try MySQLConnection(configuration: configuration)
        let database = "portrait_test_scheduler_\(name)"
        try admin.executeText("DROP DATABASE IF EXISTS `\(database)`")
        try admin.executeText("CREATE DATABASE `\(database)` CHARACTER SET utf8mb4")
        configuration.database = database
        let connection = try MySQLConnection(configuration: configuration)
        try MigrationRunner(connection: connection).apply(try Migration.load(directory: root.appendingPathComponent("migrations").path))
        return configuration
    }
}

/// One scheduler "process": its own pool, holder name and clock, over a shared database.
struct TestScheduler {
    let scheduler: Scheduler
    let clock: ManualClock
    var store: JobStore { scheduler.store }

    init(_ configuration: MySQLConfiguration, holder: String, clock: ManualClock, runners: JobRunners, leaseDuration: TimeInterval = 60) {
        let pool = MySQLPool(configuration: configuration, size: 4)
        var options = SchedulerOptions(holder: holder)
        options.leaseDuration = leaseDuration
        options.renewInterval = leaseDuration / 3
        var logger = Logger(label: "test.scheduler")
        logger.logLevel = .critical
        scheduler = Scheduler(store: JobStore(pool: pool), leases: JobLeases(pool: pool), runners: runners, clock: clock, options: options, logger: logger)
        self.clock = clock
    }

    /// Moves this scheduler's clock to `date` and ticks.
    @discardableResult
    func tick(at date: Date) async throws -> [RunReport] {
        clock.set(date)
        return try await scheduler.tick(now: date)
    }
}

/// A one-shot signal tasks can wait for; waiting honours task cancellation.
final class Gate: Sendable {
    private struct State {
        var open = false
        var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
        var next: UInt64 = 0
    }

    private let state = Mutex(State())

    var isOpen: Bool { state.withLock { $0.open } }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async throws {
        let id = state.withLock { state in state.next += 1; return state.next }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let now: Result<Void, any Error>? = state.withLock { state in
                    if state.open { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let now { continuation.resume(with: now) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(throwing: CancellationError())
        }
    }
}

/// A runner whose behaviour the test supplies, recording every call.
final class TestRunner: JobRunner {
    struct Call: Sendable {
        var run: JobRun
        var coveredTicks: Int
        var firstCoveredTick: Date?
    }

    private let recorded = Mutex<[Call]>([])
    private let behaviour: @Sendable (_ call: Int, _ run: JobRun, _ context: JobContext) async throws -> JobOutcome

    init(_ behaviour: @escaping @Sendable (_ call: Int, _ run: JobRun, _ context: JobContext) async throws -> JobOutcome = { _, _, _ in JobOutcome() }) {
        self.behaviour = behaviour
    }

    var calls: [Call] { recorded.withLock { $0 } }

    func run(job: Job, run: JobRun, context: JobContext) async throws -> JobOutcome {
        let index = recorded.withLock { calls in
            calls.append(Call(run: run, coveredTicks: context.coveredTicks, firstCoveredTick: context.firstCoveredTick))
            return calls.count
        }
        return try await behaviour(index, run, context)
    }
}

/// A failure a test runner throws.
struct Boom: Error, CustomStringConvertible {
    var description: String
}

/// `yyyy-MM-dd HH:mm[:ss]` in UTC.
func utc(_ text: String) -> Date {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = text.count > 16 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm"
    return formatter.date(from: text)!
}

func runners(_ runner: TestRunner, for kind: JobKind = .custom) -> JobRunners {
    JobRunners([kind: runner])
}
