import PortraitAPI
import Testing

@Suite("Key hashing (swift-crypto SHA-256) against the FIPS 180-4 and NIST vectors")
struct KeyHashTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ("The quick brown fox jumps over the lazy dog", "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"),
    ])
    func knownVectors(message: String, digest: String) {
        #expect(KeyHash.hex(message) == digest)
    }

    @Test func oneMillionAs() {
        #expect(KeyHash.hex(String(repeating: "a", count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Messages of 55, 56 and 64 bytes put the padding at each edge of a block.
    @Test func paddingEdges() {
        #expect(KeyHash.hex(String(repeating: "a", count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(KeyHash.hex(String(repeating: "a", count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(KeyHash.hex(String(repeating: "a", count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }
}

@Suite("API key format")
struct APIKeyTests {
    @Test func generatedKeysParseBackAndHashAsTheirText() throws {
        let key = APIKey.generate()
        let parsed = try #require(APIKey(parsing: key.text))
        #expect(parsed == key)
        #expect(key.hash == KeyHash.hex(key.text))
        #expect(key.text.hasPrefix("pk_"))
        #expect(APIKey.generate() != key)
    }

    @Test(arguments: ["", "pk_", "pk_abc", "pk__secret", "pk_abc_", "sk_abc_def", "pk_ab-c_def", "pk_abc_d ef"])
    func malformedKeysAreRefused(text: String) {
        #expect(APIKey(parsing: text) == nil)
    }
}
