/// The table-level effect of a DDL statement, recognised with a small tokenizer (comments,
/// backquoted and qualified names) rather than a full SQL parser: the column layout itself
/// always comes from the next TABLE_MAP.
public struct DDLStatement: Sendable, Equatable {
    public enum Change: Sendable, Equatable {
        case altered(database: String, table: String)
        case created(database: String, table: String)
        case dropped(database: String, table: String)
        case renamed(fromDatabase: String, fromTable: String, toDatabase: String, toTable: String)
    }

    public var changes: [Change]

    /// The changes `sql` makes, or `nil` when it is not table DDL (e.g. `BEGIN`, `GRANT`).
    public static func parse(_ sql: String, defaultDatabase: String) -> DDLStatement? {
        var tokens = Tokenizer(sql)
        guard let first = tokens.nextWord()?.uppercased() else { return nil }
        switch first {
        case "ALTER":
            var word = tokens.nextWord()?.uppercased()
            if word == "ONLINE" || word == "IGNORE" { word = tokens.nextWord()?.uppercased() }
            guard word == "TABLE" else { return nil }
            tokens.skipIfExists()
            guard let name = tokens.qualifiedName(defaultDatabase) else { return nil }
            // ALTER TABLE a RENAME [TO|AS] b
            var changes: [Change] = [.altered(database: name.0, table: name.1)]
            while let next = tokens.nextWord() {
                if next.uppercased() == "RENAME" {
                    var target = tokens.peekWord()?.uppercased()
                    if target == "TO" || target == "AS" { _ = tokens.nextWord(); target = tokens.peekWord()?.uppercased() }
                    if target == "COLUMN" || target == "INDEX" || target == "KEY" { continue }
                    if let newName = tokens.qualifiedName(defaultDatabase) {
                        changes.append(.renamed(fromDatabase: name.0, fromTable: name.1, toDatabase: newName.0, toTable: newName.1))
                    }
                }
            }
            return DDLStatement(changes: changes)
        case "CREATE":
            var word = tokens.nextWord()?.uppercased()
            if word == "OR" { _ = tokens.nextWord(); word = tokens.nextWord()?.uppercased() }  // OR REPLACE
            if word == "TEMPORARY" { return nil }
            guard word == "TABLE" else { return nil }
            tokens.skipIfExists()
            guard let name = tokens.qualifiedName(defaultDatabase) else { return nil }
            return DDLStatement(changes: [.created(database: name.0, table: name.1)])
        case "DROP":
            let word = tokens.nextWord()?.uppercased()
            guard word == "TABLE" else { return nil }  // DROP TEMPORARY TABLE is not logged as a table change
            tokens.skipIfExists()
            var changes: [Change] = []
            while let name = tokens.qualifiedName(defaultDatabase) {
                changes.append(.dropped(database: name.0, table: name.1))
                guard tokens.consume(",") else { break }
            }
            return changes.isEmpty ? nil : DDLStatement(changes: changes)
        case "RENAME":
            guard tokens.nextWord()?.uppercased() == "TABLE" else { return nil }
            var changes: [Change] = []
            while let from = tokens.qualifiedName(defaultDatabase) {
                guard tokens.nextWord()?.uppercased() == "TO", let to = tokens.qualifiedName(defaultDatabase) else { break }
                changes.append(.renamed(fromDatabase: from.0, fromTable: from.1, toDatabase: to.0, toTable: to.1))
                guard tokens.consume(",") else { break }
            }
            return changes.isEmpty ? nil : DDLStatement(changes: changes)
        case "TRUNCATE":
            _ = tokens.peekWord()?.uppercased() == "TABLE" ? tokens.nextWord() : nil
            guard let name = tokens.qualifiedName(defaultDatabase) else { return nil }
            return DDLStatement(changes: [.altered(database: name.0, table: name.1)])
        default:
            return nil
        }
    }

    /// Splits SQL into words, quoted names and punctuation, skipping comments and whitespace.
    private struct Tokenizer {
        private let scalars: [Unicode.Scalar]
        private var index = 0

        init(_ sql: String) { scalars = Array(sql.unicodeScalars) }

        mutating func skipTrivia() {
            while index < scalars.count {
                let scalar = scalars[index]
                if scalar.properties.isWhitespace { index += 1; continue }
                if scalar == "/" && index + 1 < scalars.count && scalars[index + 1] == "*" {
                    // Executable comments (/*!50100 … */) hold SQL: keep their content.
                    if index + 2 < scalars.count && scalars[index + 2] == "!" {
                        index += 3
                        while index < scalars.count && scalars[index].properties.numericType != nil { index += 1 }
                        continue
                    }
                    index += 2
                    while index + 1 < scalars.count && !(scalars[index] == "*" && scalars[index + 1] == "/") { index += 1 }
                    index = min(scalars.count, index + 2)
                    continue
                }
                if scalar == "*" && index + 1 < scalars.count && scalars[index + 1] == "/" { index += 2; continue }
                if (scalar == "-" && index + 1 < scalars.count && scalars[index + 1] == "-") || scalar == "#" {
                    while index < scalars.count && scalars[index] != "\n" { index += 1 }
                    continue
                }
                return
            }
        }

        /// The next word, quoted name or punctuation character; `nil` at the end.
        mutating func nextWord() -> String? {
            skipTrivia()
            guard index < scalars.count else { return nil }
            if scalars[index] == "`" {
                var text = String.UnicodeScalarView()
                index += 1
                while index < scalars.count {
                    if scalars[index] == "`" {
                        if index + 1 < scalars.count && scalars[index + 1] == "`" { text.append("`"); index += 2; continue }
                        index += 1
                        break
                    }
                    text.append(scalars[index]); index += 1
                }
                return String(text)
            }
            var text = String.UnicodeScalarView()
            while index < scalars.count, scalars[index].properties.isAlphabetic || scalars[index].properties.numericType != nil || scalars[index] == "_" || scalars[index] == "$" {
                text.append(scalars[index]); index += 1
            }
            if text.isEmpty {  // punctuation: one character per token
                defer { index += 1 }
                return String(scalars[index])
            }
            return String(text)
        }

        mutating func peekWord() -> String? {
            let saved = index
            defer { index = saved }
            return nextWord()
        }

        mutating func consume(_ punctuation: Unicode.Scalar) -> Bool {
            skipTrivia()
            guard index < scalars.count, scalars[index] == punctuation else { return false }
            index += 1
            return true
        }

        mutating func skipIfExists() {
            if peekWord()?.uppercased() == "IF" {
                _ = nextWord()
                if peekWord()?.uppercased() == "NOT" { _ = nextWord() }
                _ = nextWord()  // EXISTS
            }
        }

        /// `name` or `db.name`, either part backquoted.
        mutating func qualifiedName(_ defaultDatabase: String) -> (String, String)? {
            skipTrivia()
            guard index < scalars.count, scalars[index] == "`" || scalars[index].properties.isAlphabetic || scalars[index] == "_" || scalars[index].properties.numericType != nil else { return nil }
            guard let first = nextWord() else { return nil }
            if consume(".") {
                guard let second = nextWord() else { return nil }
                return (first, second)
            }
            return (defaultDatabase, first)
        }
    }
}
