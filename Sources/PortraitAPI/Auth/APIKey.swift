/// An API key as given to a client: `pk_<prefix>_<secret>`. The prefix (not secret) finds the
/// row in `api_keys`; the SHA-256 of the whole key is what is stored, never the key itself.
public struct APIKey: Sendable, Equatable {
    public let prefix: String
    public let secret: String

    /// The text to put after `Authorization: Bearer `. Never log it.
    public var text: String { "pk_\(prefix)_\(secret)" }

    /// Lower-case hex SHA-256 of ``text``: the `key_hash` column.
    public var hash: String { KeyHash.hex(text) }

    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    /// A new random key: 12 characters of prefix, 40 of secret (≈238 bits), drawn from the
    /// system's cryptographic generator (getrandom on Linux).
    public static func generate() -> APIKey {
        var generator = SystemRandomNumberGenerator()
        func random(_ count: Int) -> String {
            String((0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        }
        return APIKey(prefix: random(12), secret: random(40))
    }

    /// Splits a presented key; `nil` when it does not have the key's shape.
    public init?(parsing text: some StringProtocol) {
        guard text.hasPrefix("pk_"), text.utf8.count <= 200 else { return nil }
        let rest = text.dropFirst(3)
        guard let underscore = rest.firstIndex(of: "_") else { return nil }
        let prefix = rest[..<underscore], secret = rest[rest.index(after: underscore)...]
        guard !prefix.isEmpty, prefix.utf8.count <= 32, !secret.isEmpty,
              prefix.utf8.allSatisfy(Self.isKeyByte), secret.utf8.allSatisfy(Self.isKeyByte) else { return nil }
        self.init(prefix: String(prefix), secret: String(secret))
    }

    /// ASCII letters and digits, checked on bytes: Character's Unicode properties cost 4% of
    /// a profile read's CPU when every request is parsed (perf, Benchmarks/README.md).
    private static func isKeyByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    init(prefix: String, secret: String) {
        self.prefix = prefix
        self.secret = secret
    }

    /// Compares two hex digests without stopping at the first difference, so the time taken
    /// says nothing about how much of a guessed key was right.
    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
