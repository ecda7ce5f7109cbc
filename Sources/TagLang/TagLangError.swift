/// Why a TagLang text was rejected: where, and what was expected there.
public struct TagLangError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The text does not lex or parse.
        case syntax
        /// It parses but does not make sense: unknown names, mismatched types.
        case type
        /// The work was stopped by a cancelled `TagLangCancellation` (a timed-out request);
        /// says nothing about the text.
        case cancelled
    }

    public var kind: Kind
    public var location: SourceLocation
    public var message: String

    public init(_ kind: Kind, at location: SourceLocation, _ message: String) {
        self.kind = kind
        self.location = location
        self.message = message
    }

    public var description: String { "\(kind.rawValue) error at \(location): \(message)" }
}
