/// The one place credentials are taken out of text before it is printed or logged.
///
/// Anything URL-shaped counts, whatever the scheme (`redis`, `rediss`, `unix`, `mysql`…), its
/// case or surrounding spaces: the user-info part (`user:password@`) keeps the user and loses
/// the password. Parsers reject odd URLs, so redaction must not depend on them understanding
/// the value first.
public enum SecretRedaction {
    /// What replaces a password.
    public static let mask = "***"

    /// One configuration value that may be a URL with credentials. The whole value is one URL,
    /// so a password may hold spaces, `/` or `@`: everything before the last `@` after the
    /// scheme is credentials.
    public static func redactedValue(_ value: String) -> String {
        let characters = Array(value)
        guard let at = characters.lastIndex(of: "@") else { return value }
        let start = schemeEnd(in: characters, before: at) ?? leadingSpaces(in: characters)
        guard start <= at else { return value }
        return String(characters[..<start]) + maskedCredentials(characters[start..<at]) + String(characters[at...])
    }

    /// Free text (an error message, a log line) that may hold URLs anywhere: each `scheme://`
    /// and the word it starts are redacted as `redactedValue` does, up to the next space.
    public static func redactingURLs(in text: String) -> String {
        guard text.contains("@") else { return text }
        let characters = Array(text)
        var output = ""
        var index = 0
        var copied = 0
        while index + 2 < characters.count {
            guard characters[index] == ":", characters[index + 1] == "/", characters[index + 2] == "/" else {
                index += 1
                continue
            }
            let start = index + 3
            var end = start
            while end < characters.count, !isWordEnd(characters[end]) { end += 1 }
            if let at = characters[start..<end].lastIndex(of: "@") {
                output += String(characters[copied..<start]) + maskedCredentials(characters[start..<at])
                copied = at
            }
            index = end
        }
        // A value with no scheme (`user:secret@host`) still loses its password.
        if copied == 0, let at = characters.firstIndex(of: "@") {
            var start = at
            while start > 0, !isWordEnd(characters[start - 1]) { start -= 1 }
            if characters[start..<at].contains(":") {
                return String(characters[..<start]) + maskedCredentials(characters[start..<at]) + String(characters[at...])
            }
        }
        return output + String(characters[copied...])
    }

    /// `user:password` becomes `user:***`; a lone `secret` (as in `redis://secret@h`) becomes `***`.
    private static func maskedCredentials(_ credentials: ArraySlice<Character>) -> String {
        guard let colon = credentials.firstIndex(of: ":") else { return credentials.isEmpty ? "" : mask }
        return String(credentials[..<colon]) + ":" + mask
    }

    /// Index just after `://` when it comes before `limit`, else nil.
    private static func schemeEnd(in characters: [Character], before limit: Int) -> Int? {
        var index = 0
        while index + 2 < limit {
            if characters[index] == ":", characters[index + 1] == "/", characters[index + 2] == "/" { return index + 3 }
            index += 1
        }
        return nil
    }

    private static func leadingSpaces(in characters: [Character]) -> Int {
        characters.firstIndex { !$0.isWhitespace } ?? characters.count
    }

    private static func isWordEnd(_ character: Character) -> Bool {
        character.isWhitespace || character == "\"" || character == "'" || character == "<" || character == ">" || character == ","
    }
}
