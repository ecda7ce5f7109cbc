import TagLang

/// Why a definition was rejected: which field, what is wrong, and for expressions where.
public struct DefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String
    /// Line and column inside the field's expression, for TagLang errors.
    public var location: SourceLocation?

    public init(field: String, message: String, location: SourceLocation? = nil) {
        self.field = field
        self.message = message
        self.location = location
    }

    init(field: String, _ error: TagLangError) {
        self.init(field: field, message: error.description, location: error.location)
    }

    public var description: String { "invalid \(field): \(message)" }
}
