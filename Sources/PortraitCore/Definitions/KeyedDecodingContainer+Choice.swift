extension KeyedDecodingContainer {
    /// A string field that must be one of `T`'s raw values. A wrong one is a `DefinitionError`
    /// listing the choices, not Swift's "Cannot initialize … from invalid String value".
    func decodeChoice<T: RawRepresentable & CaseIterable>(_ type: T.Type, forKey key: Key) throws -> T where T.RawValue == String {
        let text = try decode(String.self, forKey: key)
        guard let value = T(rawValue: text) else {
            let choices = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw DefinitionError(field: key.stringValue, message: "must be one of \(choices); got '\(text.prefix(64))'")
        }
        return value
    }

    func decodeChoiceIfPresent<T: RawRepresentable & CaseIterable>(_ type: T.Type, forKey key: Key) throws -> T? where T.RawValue == String {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decodeChoice(type, forKey: key)
    }
}
