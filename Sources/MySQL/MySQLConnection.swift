internal import CMariaDB
import Logging
import Synchronization

/// One connection to MySQL/MariaDB over Connector/C, with utf8mb4 set.
///
/// Every statement that takes values is a prepared statement: values never enter SQL text.
/// Calls block the calling thread. The handle is locked per call, so the connection is safe to
/// share, but statements of a transaction must come from one caller (a `MySQLPool` lends
/// connections to one caller at a time).
public final class MySQLConnection: Sendable {
    public let configuration: MySQLConfiguration
    private let handle: Mutex<HandleBox>

    public init(configuration: MySQLConfiguration) throws(MySQLError) {
        self.configuration = configuration
        handle = Mutex(HandleBox(mysql: try Self.connect(configuration)))
    }

    public convenience init(url: String) throws(MySQLError) {
        try self.init(configuration: MySQLConfiguration(url: url))
    }

    deinit {
        handle.withLock { box in mysql_close(box.mysql) }
    }

    /// Runs a statement that returns no rows; `?` placeholders take `parameters` in order.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [MySQLValue] = []) throws(MySQLError) -> MySQLExecution {
        try withStatement(sql, parameters) { (statement, _: inout ResultBindings?) throws(MySQLError) in
            MySQLExecution(affectedRows: UInt64(mysql_stmt_affected_rows(statement)), lastInsertId: UInt64(mysql_stmt_insert_id(statement)))
        }
    }

    /// Runs a query and returns all its rows.
    public func query(_ sql: String, _ parameters: [MySQLValue] = []) throws(MySQLError) -> [MySQLRow] {
        var rows: [MySQLRow] = []
        try stream(sql, parameters) { row in rows.append(row) }
        return rows
    }

    /// Runs a query and hands rows to `body` one at a time as they arrive from the server,
    /// so a result of any size is never held in memory whole. Return `false` to stop early.
    public func stream(_ sql: String, _ parameters: [MySQLValue] = [], _ body: (MySQLRow) throws(MySQLError) -> Void) throws(MySQLError) {
        try streamWhile(sql, parameters) { (row: MySQLRow) throws(MySQLError) -> Bool in try body(row); return true }
    }

    /// `stream` that stops when `body` returns `false`.
    public func streamWhile(_ sql: String, _ parameters: [MySQLValue] = [], _ body: (MySQLRow) throws(MySQLError) -> Bool) throws(MySQLError) {
        try withStatement(sql, parameters) { (statement, bindings: inout ResultBindings?) throws(MySQLError) in
            guard var result = bindings else { return }
            defer { bindings = result }
            let columns = MySQLColumns(names: result.names)
            while true {
                let status = mysql_stmt_fetch(statement)
                if status == MYSQL_NO_DATA { return }
                if status == 1 { throw statementError(statement) }
                let row = MySQLRow(columns: columns, values: result.row(statement: statement))
                if try !body(row) { return }
            }
        }
    }

    /// Runs SQL text without parameters (DDL, `SET`, migrations). Never put values in `sql`.
    public func executeText(_ sql: String) throws(MySQLError) {
        try handle.withLock { (box: inout HandleBox) throws(MySQLError) in
            let mysql = box.mysql
            if mysql_real_query(mysql, sql, UInt(sql.utf8.count)) != 0 { throw connectionError(mysql) }
            // Drain every result so the connection is ready for the next statement.
            repeat {
                if let result = mysql_store_result(mysql) { mysql_free_result(result) }
            } while mysql_next_result(mysql) == 0
            if mysql_errno(mysql) != 0 { throw connectionError(mysql) }
        }
    }

    /// Runs `body` in a transaction: committed if it returns, rolled back if it throws.
    @discardableResult
    public func transaction<R>(_ body: (MySQLConnection) throws -> R) throws -> R {
        try executeText("START TRANSACTION")
        do {
            let result = try body(self)
            try executeText("COMMIT")
            return result
        } catch {
            try? executeText("ROLLBACK")
            throw error
        }
    }

    /// A server variable's value (`SHOW VARIABLES`), `nil` if the server has none by that name.
    public func variable(_ name: String) throws(MySQLError) -> String? {
        try query("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME = ?", [.string(name.uppercased())])
            .first.flatMap { $0["VARIABLE_VALUE"].flatMap(String.init(mysqlValue:)) }
    }

    /// Lends the raw handle to code in this module (the binlog reader).
    func withHandle<R: Sendable>(_ body: (UnsafeMutablePointer<MYSQL>) throws(MySQLError) -> R) throws(MySQLError) -> R {
        try handle.withLock { (box: inout HandleBox) throws(MySQLError) -> R in try body(box.mysql) }
    }

    private func withStatement<R: Sendable>(
        _ sql: String, _ parameters: [MySQLValue],
        _ body: (UnsafeMutablePointer<MYSQL_STMT>, inout ResultBindings?) throws(MySQLError) -> R
    ) throws(MySQLError) -> R {
        try handle.withLock { (box: inout HandleBox) throws(MySQLError) -> R in
            guard let statement = mysql_stmt_init(box.mysql) else { throw connectionError(box.mysql) }
            defer { mysql_stmt_close(statement) }
            if mysql_stmt_prepare(statement, sql, UInt(sql.utf8.count)) != 0 { throw statementError(statement) }
            let expected = Int(mysql_stmt_param_count(statement))
            guard expected == parameters.count else { throw .parameterCount(expected: expected, got: parameters.count) }
            var inputs = ParameterBindings(parameters)
            defer { inputs.deallocate() }
            if expected > 0, mysql_stmt_bind_param(statement, inputs.binds) != 0 { throw statementError(statement) }
            if mysql_stmt_execute(statement) != 0 { throw statementError(statement) }

            var outputs: ResultBindings?
            if let metadata = mysql_stmt_result_metadata(statement) {
                defer { mysql_free_result(metadata) }
                let bindings = ResultBindings(fields: mysql_fetch_fields(metadata), count: Int(mysql_num_fields(metadata)))
                if mysql_stmt_bind_result(statement, bindings.binds) != 0 {
                    bindings.deallocate()
                    throw statementError(statement)
                }
                outputs = bindings
            }
            defer { outputs?.deallocate() }
            return try body(statement, &outputs)
        }
    }

    private func statementError(_ statement: UnsafeMutablePointer<MYSQL_STMT>) -> MySQLError {
        MySQLError.classify(
            code: mysql_stmt_errno(statement), sqlState: String(cString: mysql_stmt_sqlstate(statement)),
            message: String(cString: mysql_stmt_error(statement)), configuration: configuration)
    }

    func connectionError(_ mysql: UnsafeMutablePointer<MYSQL>) -> MySQLError {
        MySQLError.classify(
            code: mysql_errno(mysql), sqlState: String(cString: mysql_sqlstate(mysql)),
            message: String(cString: mysql_error(mysql)), configuration: configuration)
    }

    static let libraryReady: Bool = mysql_server_init(0, nil, nil) == 0

    private static func connect(_ configuration: MySQLConfiguration) throws(MySQLError) -> UnsafeMutablePointer<MYSQL> {
        _ = libraryReady  // mysql_library_init is not thread-safe: run it once, first.
        guard let mysql = mysql_init(nil) else { throw .connectionRefused(endpoint: configuration.endpoint, detail: "out of memory") }
        var connectTimeout = UInt32(configuration.connectTimeoutSeconds)
        var ioTimeout = UInt32(configuration.ioTimeoutSeconds)
        var tcp = MYSQL_PROTOCOL_TCP.rawValue
        mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout)
        mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &ioTimeout)
        mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &ioTimeout)
        mysql_options(mysql, MYSQL_OPT_PROTOCOL, &tcp)
        let connected = mysql_real_connect(
            mysql, configuration.host, configuration.user, configuration.password, configuration.database,
            UInt32(configuration.port), nil, UInt(CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS))
        guard connected != nil else {
            let error = MySQLError.classify(
                code: mysql_errno(mysql), sqlState: String(cString: mysql_sqlstate(mysql)),
                message: String(cString: mysql_error(mysql)), configuration: configuration)
            mysql_close(mysql)
            throw error
        }
        // Portrait stores and compares times in UTC.
        if mysql_real_query(mysql, "SET time_zone = '+00:00'", 24) != 0 {
            let error = MySQLError.classify(code: mysql_errno(mysql), sqlState: "", message: String(cString: mysql_error(mysql)), configuration: configuration)
            mysql_close(mysql)
            throw error
        }
        return mysql
    }
}

/// The Connector/C handle, owned by the connection's lock.
struct HandleBox {
    let mysql: UnsafeMutablePointer<MYSQL>
}
