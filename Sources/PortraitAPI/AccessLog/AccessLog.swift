import Logging

/// The per-request access log when written by ``AccessLogWriter`` (what `portrait serve` does):
/// one line per answered request, the same bytes whichever path answered it (the Hummingbird
/// middleware or the profile fast path), built once on the request's thread. When
/// ``APIConfiguration/accessLog`` is nil the lines go through the request's `Logger` instead
/// (tests and embedders that supply their own log handler).
///
/// Only built when its level passes the process's log level: `serve` makes none otherwise.
public final class AccessLog: Sendable {
    public let level: Logger.Level
    public let format: AccessLogFormat
    public let writer: AccessLogWriter
    let label: [UInt8]

    public init(level: Logger.Level, format: AccessLogFormat, label: String = "portrait.api", writer: AccessLogWriter) {
        self.level = level
        self.format = format
        self.label = Array(label.utf8)
        self.writer = writer
    }

    func record(_ fields: AccessLogFields) {
        writer.append { bytes, clock in
            AccessLogLine.append(fields, format: format, level: level, label: label, clock: &clock, to: &bytes)
        }
    }
}
