extension MySQLConfiguration {
    /// The configuration as a `mysql://` URL (user and password percent-encoded). It holds
    /// the password: never log it (PortraitConfig's `SecretRedaction` makes it printable).
    public var url: String {
        "mysql://\(Self.percentEncoded(user)):\(Self.percentEncoded(password))@\(host):\(port)/\(database ?? "")"
    }

    private static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            let unreserved = (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || "-._~".utf8.contains(byte)
            encoded += unreserved ? String(UnicodeScalar(byte)) : "%" + String(byte, radix: 16, uppercase: true).leftPadded(2)
        }
        return encoded
    }
}
