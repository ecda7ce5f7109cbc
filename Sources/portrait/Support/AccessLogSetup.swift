import Logging
import Metrics
import PortraitAPI
import PortraitConfig

extension Observability {
    /// `serve`'s access log: its lines built as bytes on the request's thread and written to
    /// stderr by a thread of their own (``AccessLogWriter``), in the process's log format, so
    /// they read as the `Logger` lines they replace. Nil when `level` is below the process's
    /// log level (`log.level` / `PORTRAIT_LOG_LEVEL`): then no line is built at all.
    static func accessLog(level: Logger.Level, _ configuration: PortraitConfiguration) -> AccessLog? {
        let processLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        guard processLevel <= level else { return nil }
        let writer = AccessLogWriter()
        let logger = Logger(label: "portrait.api")
        let dropped = Counter(label: "portrait.access_log.dropped_lines")
        writer.start(fileDescriptor: 2) { lines in
            dropped.increment(by: lines)
            logger.warning("access log lines dropped: the writer fell behind", metadata: ["lines": "\(lines)"])
        }
        return AccessLog(level: level, format: configuration.logFormat == .json ? .json : .text, label: "portrait.api", writer: writer)
    }
}
