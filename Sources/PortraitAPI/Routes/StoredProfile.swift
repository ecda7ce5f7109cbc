import JSON
import PortraitProcessor
import Redis

/// A stored profile hash (an `HGETALL` reply) sorted into the document's sections, ready to be
/// written as JSON bytes without a `[String: String]`, nested `JSONValue` dictionaries or a
/// sort of them per request (perf: those were ~10 % of a profile read, Benchmarks/README.md
/// issue #16). The document is the one ``ProfileDocument/json(userId:fields:sections:)``
/// builds, byte for byte; that function stays for answers that add to the document (`explain`).
/// A hash of ASCII fields and values (the usual one) is written from the reply's bytes
/// (``ASCIIProfileHash``); any other is decoded to text here, with UTF-8 repair, and flattened
/// (``ProfileHash/flatFields(_:)``).
struct StoredProfile {
    private let ascii: ASCIIProfileHash?
    /// `(name without the "a."/"m."/"t." prefix, stored text)` per section, in
    /// `ProfileDocument.Section.allCases` order, sorted by the names' UTF-8 bytes (text path only).
    private var sections: [[(name: String, text: String)]] = [[], [], []]
    /// The `_updated` field's text, if any.
    private var updated: String?
    /// Whether the hash held no field at all (an unknown user).
    private(set) var isEmpty = true

    /// A hash already read from its reply's bytes (``ASCIIProfileHash/init(resp:)``).
    init(ascii: ASCIIProfileHash) {
        self.ascii = ascii
        updated = ascii.updated
        isEmpty = ascii.isEmpty
    }

    /// Reads the field/value pairs of an `HGETALL` reply in either layout (``ProfileHash``):
    /// pairs that are not two strings are skipped, a later duplicate wins, as in
    /// `RedisReply.hashFields`.
    init(hash reply: RedisReply) {
        let items = reply.array ?? []
        if let ascii = ASCIIProfileHash(items: items) {
            self.ascii = ascii
            updated = ascii.updated
            isEmpty = ascii.isEmpty
            return
        }
        ascii = nil
        var hash: [String: String] = [:]
        var index = 0
        while index + 1 < items.count {
            defer { index += 2 }
            guard let field = items[index].string, let text = items[index + 1].string else { continue }
            hash[field] = text
        }
        isEmpty = hash.isEmpty
        for (field, text) in ProfileHash.flatFields(hash) {
            if field == "_updated" { updated = text }
            if let section = Self.section(of: field) { sections[section].append((String(field.dropFirst(2)), text)) }
        }
        for section in sections.indices { sections[section].sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) } }
    }

    /// The index of the section `field` belongs to. Matches `String.hasPrefix("a.")`: when the
    /// third byte is ASCII the prefix ends on a character boundary; otherwise (a combining mark
    /// could join the dot) the slow Character comparison decides.
    private static func section(of field: String) -> Int? {
        let bytes = field.utf8
        guard bytes.count >= 2, bytes[bytes.index(after: bytes.startIndex)] == UInt8(ascii: ".") else { return nil }
        let index: Int
        switch bytes.first {
        case UInt8(ascii: "a"): index = 0
        case UInt8(ascii: "m"): index = 1
        case UInt8(ascii: "t"): index = 2
        default: return nil
        }
        if bytes.count > 2, bytes[bytes.index(bytes.startIndex, offsetBy: 2)] >= 0x80 {
            return field.hasPrefix(ProfileDocument.Section.allCases[index].fieldPrefix) ? index : nil
        }
        return index
    }

    /// `{"attributes":…,"metrics":…,"tags":…,"updated_at":…,"user_id":…}` with the sections
    /// asked, keys sorted as the JSON writer sorts them.
    func write(userId: String, sections wanted: [ProfileDocument.Section], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, section) in ProfileDocument.Section.allCases.enumerated() where wanted.contains(section) {
            JSONValue.writeString(section.rawValue, to: &out)
            out.append(contentsOf: ":{".utf8)
            if let ascii {
                ascii.writeFields(of: index, to: &out)
                out.append(contentsOf: "},".utf8)
                continue
            }
            for (position, pair) in sections[index].enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.string(pair.name).write(to: &out)
                out.append(UInt8(ascii: ":"))
                JSONValue.parsing(stored: pair.text, booleans: section == .tags).write(to: &out)
            }
            out.append(contentsOf: "},".utf8)
        }
        out.append(contentsOf: "\"updated_at\":".utf8)
        if let milliseconds = updated.flatMap({ Int64($0) }) {
            TimestampBytes.writeJSON(milliseconds: milliseconds, to: &out)
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: ",\"user_id\":".utf8)
        JSONValue.writeString(userId, to: &out)
        out.append(UInt8(ascii: "}"))
    }
}
