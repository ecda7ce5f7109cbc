import Foundation
import Logging
import Metrics
import PortraitConfig
import Prometheus
import Synchronization

/// Process-wide logging and metrics set-up. Libraries only log and count; this chooses where.
enum Observability {
    /// The Prometheus registry `portrait serve` exposes on `/metrics`.
    static let registry = PrometheusCollectorRegistry()
    private static let started = Mutex(false)

    static func bootstrap(_ configuration: PortraitConfiguration) {
        let first = started.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        let json = configuration.logFormat == .json
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            // Secrets masked first; then written by one background thread, so a log line never
            // blocks its caller on stderr.
            return RedactingLogHandler(wrapping: BackgroundLogHandler(wrapped: handler, writer: .shared))
        }
        if configuration.metricsEnabled {
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        }
    }
}
