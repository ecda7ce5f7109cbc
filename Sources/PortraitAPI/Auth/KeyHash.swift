import Crypto

/// How API keys are hashed at rest: SHA-256 from swift-crypto (a maintained library, BoringSSL's
/// implementation on Linux) as 64 lower-case hex digits, the form `api_keys.key_hash` stores.
/// The NIST-vector tests keep checking that the stored form never changes.
public enum KeyHash {
    /// The digest of `text`'s UTF-8 bytes as 64 lower-case hex digits.
    public static func hex(_ text: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(text.utf8)) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
