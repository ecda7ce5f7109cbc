import JSON
import NIOCore
import PortraitProcessor
import Redis

/// ``StoredProfile`` for the usual hash, whose fields and values are all ASCII bulk strings:
/// the document is written from the reply's bytes, with no `String` per field, no section
/// arrays and no sort by `String` (perf: building those was ~10 % of the server's CPU per
/// profile GET, Benchmarks/README.md, "Issue 16, leaner serving path"). With only ASCII there
/// is no UTF-8 repair, so no two names can collide and the name order is the byte order.
/// Every value it cannot write exactly by itself (a number that is not a canonical integer, a
/// string that needs escapes) goes through the same ``JSONValue`` code the text path uses, so
/// the bytes are the same.
struct ASCIIProfileHash {
    /// A field of a section: its name (without the section prefix) and value in ``text``.
    private struct Entry {
        var section: UInt8
        /// Read from a flat `a.<name>` field (``ProfileHash``'s old layout), not a section's.
        var isFlat: Bool
        var nameStart: UInt32
        var valueStart: UInt32
        var valueEnd: UInt32
    }

    /// The sections' names and values, one after the other: read from the reply once, then
    /// sorted and written without touching (retaining) the reply's byte arrays again.
    private var text: [UInt8] = []
    /// Ordered by section (`ProfileDocument.Section.allCases` order), then name bytes.
    private var entries: [Entry] = []
    private(set) var updated: String?
    private(set) var isEmpty = true

    private static let updatedName = Array("_updated".utf8)

    /// `nil` when a pair is not two ASCII bulk strings, or a section is not in the form the
    /// processor writes without escapes: the text path handles those.
    init?(items: [RedisReply]) {
        var builder = Builder(capacity: items.count)
        var index = 0
        while index + 1 < items.count {
            guard case .bulk(let field) = items[index], case .bulk(let value) = items[index + 1],
                  Self.isASCII(field), Self.isASCII(value),
                  field.withUnsafeBufferPointer({ field in value.withUnsafeBufferPointer { value in builder.add(field: field, value: value) } })
            else { return nil }
            index += 2
        }
        self.init(builder)
    }

    /// The same from an `HGETALL` reply's RESP bytes (``RedisClient/replyBytes(_:on:)``): no
    /// ``RedisReply`` per field. `nil` when the reply is not an array of ASCII bulk strings
    /// (an error, a `nil`, other bytes): ``RedisReply/init(resp:)`` and the text path take it.
    init?(resp reply: ByteBuffer) {
        // Into locals, not `self`, inside the closure: no dynamic exclusivity check per field.
        let built: Builder? = reply.withUnsafeReadableBytes { bytes in
            func bulk(_ index: inout Int) -> UnsafeBufferPointer<UInt8>? {
                RESPBytes.bulk(in: bytes, at: &index)?.assumingMemoryBound(to: UInt8.self)
            }
            var index = 0
            guard let count = RESPBytes.header(UInt8(ascii: "*"), in: bytes, at: &index) else { return nil }
            var builder = Builder(capacity: count)
            for _ in 0..<count / 2 {
                guard let field = bulk(&index), let value = bulk(&index), Self.isASCII(field), Self.isASCII(value),
                      builder.add(field: field, value: value) else { return nil }
            }
            // An odd last item is skipped, as the other initialiser does, but must be a bulk string too.
            guard count % 2 == 0 || bulk(&index).map(Self.isASCII) == true else { return nil }
            return builder
        }
        guard let built else { return nil }
        self.init(built)
    }

    private init(_ builder: Builder) {
        text = builder.text
        // A section field replaces the flat fields of its section (``ProfileHash/flatFields(_:)``).
        entries = builder.sectionFields == 0 ? builder.entries : builder.entries.filter { !$0.isFlat || builder.sectionFields & (1 << $0.section) == 0 }
        updated = builder.updated
        isEmpty = builder.isEmpty
        sortEntries()
    }

    /// The fields as they are read, before the sort.
    private struct Builder {
        var text: [UInt8] = []
        var entries: [Entry] = []
        var updated: String?
        var isEmpty = true
        /// A bit per section read from its section field.
        var sectionFields: UInt8 = 0

        init(capacity items: Int) {
            entries.reserveCapacity(items / 2)
            text.reserveCapacity(items * 8)
        }

        /// `false` when a section field is not a JSON object of plain strings.
        mutating func add(field: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) -> Bool {
            isEmpty = false
            if field.count == 1, let section = ASCIIProfileHash.section(of: field[0]) {
                sectionFields |= 1 << section
                return addSection(section, value)
            }
            if field.count == ASCIIProfileHash.updatedName.count, field.elementsEqual(ASCIIProfileHash.updatedName) {
                updated = String(decoding: value, as: UTF8.self)
            }
            guard field.count >= 2, field[1] == UInt8(ascii: "."), let section = ASCIIProfileHash.section(of: field[0]) else { return true }
            add(section: section, isFlat: true, name: UnsafeBufferPointer(rebasing: field[2...]), value: value)
            return true
        }

        private mutating func add(section: UInt8, isFlat: Bool, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
            let nameStart = UInt32(text.count)
            text.append(contentsOf: name)
            let valueStart = UInt32(text.count)
            text.append(contentsOf: value)
            entries.append(Entry(section: section, isFlat: isFlat, nameStart: nameStart, valueStart: valueStart, valueEnd: UInt32(text.count)))
        }

        /// Reads `{"name":"text",…}` as ``ProfileHash`` writes it: no spaces, no escapes
        /// (``ProfileHash/scanSection(_:allowingSpaces:_:)``).
        private mutating func addSection(_ section: UInt8, _ json: UnsafeBufferPointer<UInt8>) -> Bool {
            ProfileHash.scanSection(json, allowingSpaces: false) { name, text in add(section: section, isFlat: false, name: name, value: text) }
        }
    }

    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var union: UInt8 = 0
        for byte in bytes { union |= byte }
        return union < 0x80
    }

    private static func isASCII(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer(isASCII)
    }

    private static func section(of first: UInt8) -> UInt8? {
        switch first {
        case UInt8(ascii: "a"): 0
        case UInt8(ascii: "m"): 1
        case UInt8(ascii: "t"): 2
        default: nil
        }
    }

    /// Insertion sort: ~16 entries, usually stored in order already (one comparison each).
    private mutating func sortEntries() {
        guard entries.count > 1 else { return }
        text.withUnsafeBufferPointer { text in
            func precedes(_ lhs: Entry, _ rhs: Entry) -> Bool {
                if lhs.section != rhs.section { return lhs.section < rhs.section }
                return text[Int(lhs.nameStart)..<Int(lhs.valueStart)].lexicographicallyPrecedes(text[Int(rhs.nameStart)..<Int(rhs.valueStart)])
            }
            for next in 1..<entries.count {
                let entry = entries[next]
                var slot = next
                while slot > 0, precedes(entry, entries[slot - 1]) {
                    entries[slot] = entries[slot - 1]
                    slot -= 1
                }
                entries[slot] = entry
            }
        }
    }

    /// Writes section `section`'s `"name":value` pairs, comma-separated.
    func writeFields(of section: Int, to out: inout [UInt8]) {
        let booleans = section == 2
        var first = true
        text.withUnsafeBufferPointer { text in
            for entry in entries where Int(entry.section) == section {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                Self.writeString(UnsafeBufferPointer(rebasing: text[Int(entry.nameStart)..<Int(entry.valueStart)]), to: &out)
                out.append(UInt8(ascii: ":"))
                Self.writeValue(UnsafeBufferPointer(rebasing: text[Int(entry.valueStart)..<Int(entry.valueEnd)]), booleans: booleans, to: &out)
            }
        }
    }

    /// As ``JSONValue/writeString(_:to:)`` writes the same text.
    private static func writeString(_ text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard !text.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            return JSONValue.writeString(String(decoding: text, as: UTF8.self), to: &out)
        }
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: text)
        out.append(UInt8(ascii: "\""))
    }

    /// As ``JSONValue/parsing(stored:booleans:)`` then `write(to:)` write the same text.
    private static func writeValue(_ text: UnsafeBufferPointer<UInt8>, booleans: Bool, to out: inout [UInt8]) {
        if booleans {
            if text.elementsEqual("true".utf8) || text.elementsEqual("false".utf8) { return out.append(contentsOf: text) }
            return writeString(text, to: &out)
        }
        if isCanonicalInteger(text) { return out.append(contentsOf: text) }
        switch text.first ?? 0 {
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: "9"):
            // Maybe a number in another spelling: the shared parser decides.
            JSONValue.parsing(stored: String(decoding: text, as: UTF8.self), booleans: false).write(to: &out)
        default:
            // Neither Int64(text) nor the number rule (first character "-", "." or a digit) can take it.
            writeString(text, to: &out)
        }
    }

    /// An integer written exactly as `String(Int64(text)!)` would write it: an optional `-`,
    /// then 1 to 18 digits without a leading zero (so it fits), or `0`; not `-0`.
    private static func isCanonicalInteger(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let negative = text.first == UInt8(ascii: "-")
        let first = negative ? 1 : 0
        guard (1...18).contains(text.count - first) else { return false }
        for index in first..<text.count where !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[index]) { return false }
        if text[first] == UInt8(ascii: "0") { return text.count == 1 }
        return true
    }
}
