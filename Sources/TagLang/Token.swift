/// One lexical token of TagLang.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case number(Double)
        case string(String)
        /// A duration literal such as `7d`, in milliseconds.
        case duration(Int64)
        /// A name, possibly dotted: `attr.city`, `metric.purchases_7d`, `days_since`.
        case identifier(String)
        case keyword(Keyword)
        case symbol(String)
        case end
    }

    enum Keyword: String, Sendable, CaseIterable {
        case and, or, not, `in`, `true`, `false`, null, `case`, when, then, `else`, end
    }

    var kind: Kind
    var location: SourceLocation

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case .number(let value): "number \(value)"
        case .string(let text): "string \"\(text)\""
        case .duration: "duration"
        case .identifier(let name): "'\(name)'"
        case .keyword(let keyword): "'\(keyword.rawValue)'"
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "end of input"
        }
    }
}
