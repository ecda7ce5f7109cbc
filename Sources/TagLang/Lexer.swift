/// Turns TagLang text into tokens, tracking line and column for every token.
struct Lexer {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    /// Where `column` was last counted up to, so columns cost linear time over a long line.
    private var countedIndex = 0
    private var countedColumn = 1
    /// Bytes read, for `TagLangWorkCounter`.
    private var steps = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    static let durationUnits: [UInt8: Int64] = [
        UInt8(ascii: "s"): 1_000, UInt8(ascii: "m"): 60_000, UInt8(ascii: "h"): 3_600_000,
        UInt8(ascii: "d"): 86_400_000, UInt8(ascii: "w"): 604_800_000,
    ]

    mutating func tokenize() throws(TagLangError) -> [Token] {
        var tokens: [Token] = []
        while true {
            skipSpaceAndComments()
            let start = location
            guard index < bytes.count else {
                tokens.append(Token(kind: .end, location: start))
                TagLangWorkCounter.record(steps + index + tokens.count)
                return tokens
            }
            try TagLangCancellation.check(step: tokens.count, at: start)
            tokens.append(Token(kind: try next(), location: start))
        }
    }

    /// The current position. Columns count Unicode scalars (UTF-8 lead bytes), not bytes, so
    /// multi-byte text does not shift them; they are counted on from the previous token's
    /// column, never again from the line's start (that was quadratic on one long line).
    private var location: SourceLocation {
        mutating get {
            if countedIndex < lineStart || countedIndex > index {
                countedIndex = lineStart
                countedColumn = 1
            }
            countedColumn += Self.scalarCount(bytes[countedIndex..<index])
            steps += index - countedIndex
            countedIndex = index
            return SourceLocation(line: line, column: countedColumn, offset: index)
        }
    }

    private static func scalarCount(_ slice: ArraySlice<UInt8>) -> Int {
        var count = 0
        for byte in slice where byte & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// The line and column of a UTF-8 offset in `text` (for errors found before lexing).
    static func location(ofOffset offset: Int, in text: String) -> SourceLocation {
        let prefix = text.utf8.prefix(offset)
        var line = 1, column = 1
        for byte in prefix {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return SourceLocation(line: line, column: column, offset: prefix.count)
    }

    private mutating func skipSpaceAndComments() {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                index += 1
                line += 1
                lineStart = index
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                index += 1
            } else if byte == UInt8(ascii: "#") {
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            } else {
                return
            }
        }
    }

    private mutating func next() throws(TagLangError) -> Token.Kind {
        let byte = bytes[index]
        if isDigit(byte) { return try number() }
        if isIdentifierStart(byte) { return identifier() }
        if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") { return try string(quote: byte) }
        let start = location
        for symbol in ["==", "!=", "<=", ">=", "&&", "||"] where matches(symbol) {
            index += 2
            switch symbol {
            case "&&": return .keyword(.and)
            case "||": return .keyword(.or)
            default: return .symbol(symbol)
            }
        }
        let single = Character(Unicode.Scalar(byte))
        if "<>+-*/%()[],!=".contains(single) {
            index += 1
            if single == "!" { return .keyword(.not) }
            if single == "=" { return .symbol("==") }  // a lone `=` means equality, as in SQL
            return .symbol(String(single))
        }
        throw TagLangError(.syntax, at: start, "unexpected character '\(String(decoding: [byte], as: UTF8.self))'")
    }

    private func matches(_ symbol: String) -> Bool {
        let symbolBytes = Array(symbol.utf8)
        return index + symbolBytes.count <= bytes.count && Array(bytes[index..<index + symbolBytes.count]) == symbolBytes
    }

    private mutating func number() throws(TagLangError) -> Token.Kind {
        let start = location
        let first = index
        while index < bytes.count, isDigit(bytes[index]) || bytes[index] == UInt8(ascii: "_") { index += 1 }
        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "."), isDigit(bytes[index + 1]) {
            index += 1
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        guard index - first <= TagLangLimits.maxNumberLength else {
            throw TagLangError(.syntax, at: start, "a number literal has more than \(TagLangLimits.maxNumberLength) characters")
        }
        let text = String(decoding: bytes[first..<index], as: UTF8.self).replacingUnderscores()
        if index < bytes.count, let unit = Self.durationUnits[bytes[index]],
           index + 1 >= bytes.count || !isIdentifierPart(bytes[index + 1]) {
            index += 1
            guard let amount = Int64(text) else { throw TagLangError(.syntax, at: start, "a duration takes a whole number, like 7d") }
            return .duration(amount * unit)
        }
        if index < bytes.count, isIdentifierStart(bytes[index]) {
            throw TagLangError(.syntax, at: start, "expected a number or a duration (s, m, h, d, w) but found '\(text)\(Character(Unicode.Scalar(bytes[index])))…'")
        }
        guard let value = Double(text) else { throw TagLangError(.syntax, at: start, "malformed number '\(text)'") }
        return .number(value)
    }

    private mutating func identifier() -> Token.Kind {
        let first = index
        while index < bytes.count, isIdentifierPart(bytes[index]) || bytes[index] == UInt8(ascii: ".") { index += 1 }
        let name = String(decoding: bytes[first..<index], as: UTF8.self)
        if let keyword = Token.Keyword(rawValue: name.lowercased()) { return .keyword(keyword) }
        return .identifier(name)
    }

    private mutating func string(quote: UInt8) throws(TagLangError) -> Token.Kind {
        let start = location
        index += 1
        var text: [UInt8] = []
        while index < bytes.count, bytes[index] != quote {
            if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                index += 1
            } else if bytes[index] == UInt8(ascii: "\n") {
                break
            }
            text.append(bytes[index])
            index += 1
        }
        guard index < bytes.count, bytes[index] == quote else {
            throw TagLangError(.syntax, at: start, "unterminated string: expected a closing \(quote == UInt8(ascii: "'") ? "'" : "\"")")
        }
        index += 1
        return .string(String(decoding: text, as: UTF8.self))
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    private func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
    }
    private func isIdentifierPart(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }
}

private extension String {
    func replacingUnderscores() -> String { String(filter { $0 != "_" }) }
}
