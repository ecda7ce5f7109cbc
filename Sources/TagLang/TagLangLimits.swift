/// The documented bounds on a TagLang text (docs/TAGLANG.md), checked while lexing and parsing,
/// before any recursion can go deeper: every later pass (checker, compiler, evaluation,
/// explain, segment plans) walks the tree recursively, so bounding its depth here bounds the
/// stack on every path that takes an expression from a client.
public enum TagLangLimits {
    /// UTF-8 bytes in one expression.
    public static let maxSourceBytes = 32_768
    /// Nesting levels: brackets, calls, lists, `not`, unary `-`, and each operator of an
    /// `and`/`or`/arithmetic chain (a chain of n operators nests n deep in the tree).
    public static let maxDepth = 200
    /// Items in one list (`x in [...]`, `[...]`) or arguments of one call.
    public static let maxListItems = 5_000
    /// Characters in one number literal, digits and separators included.
    public static let maxNumberLength = 40
}
