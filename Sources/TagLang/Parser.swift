/// Recursive-descent parser for TagLang. Precedence, loosest first:
/// `or` < `and` < `not` < comparisons and `in` < `+ -` < `* / %` < unary `-` < primary.
public struct Parser {
    private var tokens: [Token]
    private var position = 0
    private let sourceLength: Int
    /// The nesting level being parsed (see `TagLangLimits.maxDepth`).
    private var depth = 0
    /// Tokens consumed, for `TagLangWorkCounter`.
    private var steps = 0

    /// Parses a whole expression; anything left over is an error.
    public static func parse(_ text: String) throws(TagLangError) -> Expression {
        let length = text.utf8.count
        guard length <= TagLangLimits.maxSourceBytes else {
            throw TagLangError(.syntax, at: Lexer.location(ofOffset: TagLangLimits.maxSourceBytes, in: text),
                               "the expression is \(length) bytes long; the limit is \(TagLangLimits.maxSourceBytes) bytes")
        }
        var lexer = Lexer(text)
        var parser = Parser(tokens: try lexer.tokenize(), sourceLength: text.utf8.count)
        let expression = try parser.orExpression()
        guard case .end = parser.current.kind else {
            throw TagLangError(.syntax, at: parser.current.location, "expected an operator or the end of the expression, found \(parser.current.display)")
        }
        TagLangWorkCounter.record(parser.steps)
        return expression
    }

    private init(tokens: [Token], sourceLength: Int) {
        self.tokens = tokens
        self.sourceLength = sourceLength
    }

    private var current: Token { tokens[position] }

    /// Where the previous token ends: the start of the current one (trailing space trimmed later).
    private var previousEnd: Int { current.location.offset }

    private mutating func advance() throws(TagLangError) -> Token {
        let token = tokens[position]
        try TagLangCancellation.check(step: steps, at: token.location)
        steps += 1
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private mutating func accept(_ keyword: Token.Keyword) throws(TagLangError) -> Bool {
        guard case .keyword(keyword) = current.kind else { return false }
        _ = try advance()
        return true
    }

    private mutating func accept(symbol: String) throws(TagLangError) -> Bool {
        guard case .symbol(symbol) = current.kind else { return false }
        _ = try advance()
        return true
    }

    private mutating func expect(symbol: String, _ context: String) throws(TagLangError) {
        guard try accept(symbol: symbol) else {
            throw TagLangError(.syntax, at: current.location, "expected '\(symbol)' \(context), found \(current.display)")
        }
    }

    /// Builds a node spanning from `start` to the token just consumed. Call it only after the
    /// operands are parsed (into locals): `self` is read when the call begins.
    private func make(_ node: Expression.Node, from start: Token) -> Expression {
        Expression(node: node, location: start.location, range: start.location.offset..<max(start.location.offset, previousEnd))
    }

    /// Enters one more nesting level, refusing past `TagLangLimits.maxDepth` before recursing.
    private mutating func nest(at token: Token) throws(TagLangError) {
        depth += 1
        guard depth <= TagLangLimits.maxDepth else {
            throw TagLangError(.syntax, at: token.location, "the expression nests more than \(TagLangLimits.maxDepth) levels deep (brackets, calls, lists, 'not', '-' and each operator of a chain count one level); use 'in [...]' for long alternatives")
        }
    }

    private mutating func orExpression() throws(TagLangError) -> Expression {
        let start = current
        let outer = depth
        defer { depth = outer }
        try nest(at: start)
        var left = try andExpression()
        while try accept(.or) {
            try nest(at: current)
            let right = try andExpression()
            left = make(.binary(.or, left, right), from: start)
        }
        return left
    }

    private mutating func andExpression() throws(TagLangError) -> Expression {
        let start = current
        let outer = depth
        defer { depth = outer }
        var left = try notExpression()
        while try accept(.and) {
            try nest(at: current)
            let right = try notExpression()
            left = make(.binary(.and, left, right), from: start)
        }
        return left
    }

    private mutating func notExpression() throws(TagLangError) -> Expression {
        let start = current
        if try accept(.not) {
            let outer = depth
            defer { depth = outer }
            try nest(at: start)
            let operand = try notExpression()
            return make(.not(operand), from: start)
        }
        return try comparison()
    }

    private mutating func comparison() throws(TagLangError) -> Expression {
        let start = current
        let left = try additive()
        if case .symbol(let symbol) = current.kind, let op = BinaryOperator(rawValue: symbol),
           [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(op) {
            _ = try advance()
            let right = try additive()
            return make(.binary(op, left, right), from: start)
        }
        var negated = false
        if case .keyword(.not) = current.kind, case .keyword(.in) = tokens[min(position + 1, tokens.count - 1)].kind {
            _ = try advance()
            negated = true
        }
        if try accept(.in) {
            try expect(symbol: "[", "to open the list after 'in'")
            let items = try listItems()
            return make(.membership(left, items, negated: negated), from: start)
        }
        return left
    }

    private mutating func listItems() throws(TagLangError) -> [Expression] {
        var items: [Expression] = []
        if try accept(symbol: "]") { return items }
        repeat {
            try checkItemCount(items.count, "list items")
            items.append(try orExpression())
        } while try accept(symbol: ",")
        try expect(symbol: "]", "to close the list")
        return items
    }

    private func checkItemCount(_ count: Int, _ what: String) throws(TagLangError) {
        guard count < TagLangLimits.maxListItems else {
            throw TagLangError(.syntax, at: current.location, "more than \(TagLangLimits.maxListItems) \(what)")
        }
    }

    private mutating func additive() throws(TagLangError) -> Expression {
        let start = current
        let outer = depth
        defer { depth = outer }
        var left = try multiplicative()
        while case .symbol(let symbol) = current.kind, symbol == "+" || symbol == "-" {
            try nest(at: current)
            _ = try advance()
            let right = try multiplicative()
            left = make(.binary(symbol == "+" ? .add : .subtract, left, right), from: start)
        }
        return left
    }

    private mutating func multiplicative() throws(TagLangError) -> Expression {
        let start = current
        let outer = depth
        defer { depth = outer }
        var left = try unary()
        while case .symbol(let symbol) = current.kind, let op = BinaryOperator(rawValue: symbol), [.multiply, .divide, .remainder].contains(op) {
            try nest(at: current)
            _ = try advance()
            let right = try unary()
            left = make(.binary(op, left, right), from: start)
        }
        return left
    }

    private mutating func unary() throws(TagLangError) -> Expression {
        let start = current
        if try accept(symbol: "-") {
            let outer = depth
            defer { depth = outer }
            try nest(at: start)
            let operand = try unary()
            return make(.negate(operand), from: start)
        }
        return try primary()
    }

    private mutating func primary() throws(TagLangError) -> Expression {
        let start = try advance()
        switch start.kind {
        case .number(let value): return make(.literal(.number(value)), from: start)
        case .string(let text): return make(.literal(.string(text)), from: start)
        case .duration(let milliseconds): return make(.literal(.duration(milliseconds)), from: start)
        case .keyword(.true): return make(.literal(.bool(true)), from: start)
        case .keyword(.false): return make(.literal(.bool(false)), from: start)
        case .keyword(.null): return make(.literal(.null), from: start)
        case .keyword(.case): return try caseExpression(start)
        case .symbol("("):
            let inner = try orExpression()
            try expect(symbol: ")", "to close '('")
            return Expression(node: inner.node, location: start.location, range: start.location.offset..<previousEnd)
        case .symbol("["):
            let items = try listItems()
            return make(.list(items), from: start)
        case .identifier(let name):
            if try accept(symbol: "(") {
                var arguments: [Expression] = []
                if try !accept(symbol: ")") {
                    repeat {
                        try checkItemCount(arguments.count, "arguments")
                        arguments.append(try orExpression())
                    } while try accept(symbol: ",")
                    try expect(symbol: ")", "to close the arguments of \(name)(…)")
                }
                return make(.call(name.lowercased(), arguments), from: start)
            }
            return make(.reference(try reference(name, at: start.location)), from: start)
        default:
            throw TagLangError(.syntax, at: start.location, "expected a value, a name such as attr.city or metric.orders_7d, '(' or 'case', found \(start.display)")
        }
    }

    private mutating func caseExpression(_ start: Token) throws(TagLangError) -> Expression {
        var branches: [(condition: Expression, value: Expression)] = []
        while try accept(.when) {
            let condition = try orExpression()
            guard try accept(.then) else { throw TagLangError(.syntax, at: current.location, "expected 'then' after the 'when' condition, found \(current.display)") }
            branches.append((condition, try orExpression()))
        }
        guard !branches.isEmpty else { throw TagLangError(.syntax, at: current.location, "expected 'when' after 'case', found \(current.display)") }
        let otherwise = try accept(.else) ? orExpression() : nil
        guard try accept(.end) else { throw TagLangError(.syntax, at: current.location, "expected 'when', 'else' or 'end' in the case expression, found \(current.display)") }
        return make(.caseWhen(branches, otherwise: otherwise), from: start)
    }

    private func reference(_ name: String, at location: SourceLocation) throws(TagLangError) -> Reference {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        switch (parts.first, parts.count) {
        case ("attr", 2): return .attribute(parts[1])
        case ("metric", 2): return .metric(parts[1])
        case ("tag", 2): return .tag(parts[1])
        case ("event", 2): return .event(parts[1])
        case ("model", 3) where ["score", "cluster"].contains(parts[2]): return .model(name: parts[1], output: parts[2])
        case ("model", _): throw TagLangError(.syntax, at: location, "a model output is written model.<name>.score or model.<name>.cluster, found '\(name)'")
        default:
            throw TagLangError(.syntax, at: location, "unknown name '\(name)': write attr.<name>, metric.<name>, tag.<name>, event.<name> or model.<name>.score")
        }
    }
}
