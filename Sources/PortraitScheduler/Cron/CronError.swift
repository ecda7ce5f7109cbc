/// Why a cron expression was refused: the 1-based column of the offending token and what is
/// wrong with it, so `portrait jobs create` and config/jobs.yaml can point at the mistake.
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    public var column: Int
    public var message: String

    public init(column: Int, message: String) {
        self.column = column
        self.message = message
    }

    public var description: String { "column \(column): \(message)" }
}
