/// The one rule for the names Portrait stores and puts into Redis keys, TagLang expressions and
/// URLs: metric names and fields, tag names, segment names, job names. Lowercase ASCII letters,
/// digits and `_`, starting with a letter, at most 128 characters (`^[a-z][a-z0-9_]{0,127}$`).
/// Narrow on purpose: such a name needs no quoting or escaping anywhere it goes.
public enum Identifier {
    public static let maxLength = 128

    /// The rule in words, for error messages.
    public static let rule = "lowercase letters, digits and '_', starting with a letter, at most 128 characters"

    /// The rule as the regular expression `web-api/openapi.yaml` declares.
    public static let pattern = "^[a-z][a-z0-9_]{0,127}$"

    public static func isValid(_ name: String) -> Bool {
        let bytes = name.utf8
        guard let first = bytes.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z"), bytes.count <= maxLength else { return false }
        return bytes.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
        }
    }

    /// What is wrong with `name` as the value of `field`: "name: use …, got 'X'".
    public static func problem(with name: String) -> String {
        "use \(rule), got '\(name)'"
    }
}
