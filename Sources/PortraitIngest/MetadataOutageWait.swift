import Foundation
import Logging
import MySQL

/// Runs the ingest's bookkeeping statements (saving the position, recording a schema version)
/// until the metadata server answers. They are idempotent and `MySQLPool` already retries them
/// once on a fresh connection; when even that fails the server is down, and the ingest waits
/// for it instead of exiting: the sink has acknowledged the batch, so nothing is lost, and
/// nothing new is read until the position is saved, so nothing is sent twice either.
///
/// Log noise is bounded: one warning when the outage starts, then one every `reminderSeconds`,
/// and one line when the server answers again.
struct MetadataOutageWait {
    let logger: Logger
    let statistics: IngestStatistics
    /// The longest wait between attempts (the first waits 0.2 s, each next one twice as long).
    let maxDelaySeconds: Double
    let reminderSeconds: Double

    init(logger: Logger, statistics: IngestStatistics, maxDelaySeconds: Double, reminderSeconds: Double = 60) {
        self.logger = logger
        self.statistics = statistics
        self.maxDelaySeconds = max(0.2, maxDelaySeconds)
        self.reminderSeconds = reminderSeconds
    }

    /// `body`'s result once the metadata server answers. A stop request while waiting throws
    /// the last connection error: the position was not saved, so the next run repeats the batch.
    func run<R>(_ what: String, stop: IngestStopSignal, _ body: () throws -> R) throws -> R {
        var delay = 0.2
        var attempts = 0
        var started: Date?
        var lastWarning = Date.distantPast
        while true {
            do {
                let result = try body()
                if let started {
                    statistics.endMetadataOutage()
                    logger.notice("the metadata MySQL answers again; the ingest continues", metadata: [
                        "while": "\(what)", "waited_seconds": "\(Int(Date().timeIntervalSince(started).rounded()))", "attempts": "\(attempts + 1)",
                    ])
                }
                return result
            } catch let error as MySQLError where error.isConnectionFailure {
                attempts += 1
                let now = Date()
                if started == nil {
                    started = now
                    statistics.beginMetadataOutage()
                }
                if now.timeIntervalSince(lastWarning) >= reminderSeconds {
                    lastWarning = now
                    logger.warning("cannot reach the metadata MySQL; waiting for it before reading on (changes already written are kept)", metadata: [
                        "while": "\(what)", "error": "\(error)", "attempts": "\(attempts)",
                        "waiting_seconds": "\(Int(now.timeIntervalSince(started ?? now).rounded()))",
                    ])
                }
                guard !stop.isRequested else { throw error }
                let deadline = now.addingTimeInterval(delay)
                while Date() < deadline && !stop.isRequested { Thread.sleep(forTimeInterval: 0.05) }
                guard !stop.isRequested else { throw error }
                delay = min(delay * 2, maxDelaySeconds)
            }
        }
    }
}
