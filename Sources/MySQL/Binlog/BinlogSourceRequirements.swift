/// The server settings change capture needs, checked once at start-up so a misconfigured
/// source fails with a message that says what to change instead of with missing data later.
public enum BinlogSourceRequirements {
    /// The variables `check` reads.
    public static let variableNames = ["log_bin", "binlog_format", "binlog_row_image", "binlog_row_metadata"]

    /// Whether TABLE_MAP events carry column names, ENUM/SET values and the primary key
    /// (`binlog_row_metadata=FULL`).
    public static func logsColumnNames(_ variables: [String: String]) -> Bool {
        variables["binlog_row_metadata"]?.uppercased() == "FULL"
    }

    /// Checks the values of `variableNames` (names lower-case, as `SHOW VARIABLES` gives them;
    /// a missing variable is taken as absent on that server).
    public static func check(_ variables: [String: String]) throws(BinlogError) {
        func value(_ name: String) -> String? { variables[name]?.uppercased() }
        if let logBin = value("log_bin"), logBin != "ON" && logBin != "1" {
            throw .unsuitableSource("binary logging is off: start the server with --log-bin")
        }
        guard let format = value("binlog_format") else {
            throw .unsuitableSource("the server reports no binlog_format")
        }
        guard format == "ROW" else {
            throw .unsuitableSource("binlog_format is \(format), but change capture needs ROW: set binlog_format=ROW in the server configuration (SET GLOBAL binlog_format='ROW' affects new sessions only)")
        }
        if let image = value("binlog_row_image"), image != "FULL" {
            throw .unsuitableSource("binlog_row_image is \(image), but before/after images need FULL: set binlog_row_image=FULL")
        }
        // binlog_row_metadata may be absent (MySQL 5.7, MariaDB < 10.5) or MINIMAL: the ingest
        // then names columns from information_schema (see `logsColumnNames`).
    }
}
