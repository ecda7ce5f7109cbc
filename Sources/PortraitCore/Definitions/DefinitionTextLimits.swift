/// Lengths of a definition's free-text fields, checked by `DefinitionValidator` so a long
/// value is a 400 naming the field and its limit (CLI: an error) rather than the metadata
/// database's "Data too long". They sit inside the columns of migrations/0001_definitions.sql.
public enum DefinitionTextLimits {
    /// `description`, in UTF-8 bytes (the column is a 64 KiB TEXT).
    public static let maxDescriptionBytes = 16_384
    /// `owner`, in characters (VARCHAR(128)).
    public static let maxOwnerCharacters = 128
    /// A tag's `category` path, in characters (VARCHAR(512)).
    public static let maxCategoryCharacters = 512

    static func check(description: String?, owner: String?, category: String? = nil) throws(DefinitionError) {
        if let description, description.utf8.count > maxDescriptionBytes {
            throw DefinitionError(field: "description", message: "is \(description.utf8.count) bytes; the limit is \(maxDescriptionBytes) bytes")
        }
        if let owner, owner.count > maxOwnerCharacters {
            throw DefinitionError(field: "owner", message: "is \(owner.count) characters; the limit is \(maxOwnerCharacters)")
        }
        if let category, category.count > maxCategoryCharacters {
            throw DefinitionError(field: "category", message: "is \(category.count) characters; the limit is \(maxCategoryCharacters)")
        }
    }
}
