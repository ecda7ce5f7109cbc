import JSON
import PortraitCore
import Redis
import TagLang

/// The fields of the profile hash `p:{userId}` (docs/PROFILES.md, "Redis layout"): `_id`,
/// `_updated`, one field per section (`a` attributes, `m` metrics, `t` tags), each a JSON object
/// of name → stored text (``Value/storedText``), and the model outputs as flat
/// `model.<name>.…` fields.
///
/// Why sections: Redis keeps a small hash as a listpack, where each field written is first
/// searched for among the fields before it. A user's first write of ~70 flat fields cost ~27 µs
/// of Redis CPU; the same profile in sections costs ~3.5 µs, and an update costs about the same
/// either way (Benchmarks/README.md, "Issue 15, eighth step").
///
/// Hashes written before 2026-12-07 hold one field per value (`a.<name>`, `m.<name>`,
/// `t.<name>`). Readers take both layouts (a section field wins over the flat fields of its
/// section), and a processor's first write of such a user replaces its flat fields
/// (``ProfileStateCodec/writesSectionedHash(_:)``).
public enum ProfileHash {
    public enum Section: Int, CaseIterable, Sendable {
        case attributes, metrics, tags

        /// The section's field in the hash.
        public var field: String {
            switch self {
            case .attributes: "a"
            case .metrics: "m"
            case .tags: "t"
            }
        }

        /// How a flat field of this section starts (the names readers index by).
        public var flatPrefix: String { field + "." }

        /// The section a hash field holds (`"a"`, `"m"` or `"t"`), if any.
        public init?(field: String) {
            switch field {
            case "a": self = .attributes
            case "m": self = .metrics
            case "t": self = .tags
            default: return nil
            }
        }

        /// The section of a flat name (`m.orders`), if any.
        public init?(flatName name: String) {
            guard let section = Self.allCases.first(where: { name.hasPrefix($0.flatPrefix) }) else { return nil }
            self = section
        }
    }

    /// Whether `values` has anything to store (null values are left out).
    static func hasStoredValues(_ values: NamedValues) -> Bool {
        values.values.contains { $0 != .null }
    }

    /// Writes `values` as a section's JSON object, `{"name":"text",…}`, in the table's (name)
    /// order, nulls left out.
    static func writeSection(_ values: NamedValues, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for (name, value) in zip(values.names, values.values) where value != .null {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONValue.writeString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            writeStoredText(of: value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// `value.storedText` as a JSON string. Booleans and integral numbers (most of a profile)
    /// are written as bytes, not through a `String` each.
    private static func writeStoredText(of value: Value, to out: inout [UInt8]) {
        switch value {
        case .bool(let flag):
            out.append(contentsOf: flag ? #""true""#.utf8 : #""false""#.utf8)
        case .number(let number) where number == number.rounded() && abs(number) < 1e15:
            integer(Int64(number))
        case .timestamp(let ms), .duration(let ms):
            integer(ms)
        default:
            if let text = value.storedText { JSONValue.writeString(text, to: &out) }
        }
        func integer(_ value: Int64) {
            out.append(UInt8(ascii: "\""))
            DecimalDigits.append(value, to: &out)
            out.append(UInt8(ascii: "\""))
        }
    }

    /// Walks a section as ``writeSection(_:to:)`` writes it, `{"name":"text",…}` with no escape
    /// (and, with `allowingSpaces`, spaces between tokens), calling `entry` with each name's and
    /// text's bytes in order. False when the bytes are not in that form (an escape, a raw
    /// control character, anything but an object of strings; `entry` may have been called for
    /// the entries before): read those with ``sectionEntries(_:)``. One loop over the bytes,
    /// with no local function capturing (and boxing) the index: the API's profile reads run it
    /// per section, without spaces (the writer's own form, the fast path's contract).
    public static func scanSection(
        _ json: UnsafeBufferPointer<UInt8>, allowingSpaces: Bool,
        _ entry: (_ name: UnsafeBufferPointer<UInt8>, _ text: UnsafeBufferPointer<UInt8>) -> Void
    ) -> Bool {
        let (quote, backslash) = (UInt8(ascii: "\""), UInt8(ascii: "\\"))
        let count = json.count
        func afterSpaces(_ json: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
            allowingSpaces ? ProfileHash.afterSpaces(json, from: index) : index
        }
        var index = afterSpaces(json, from: 0)
        guard index < count, json[index] == UInt8(ascii: "{") else { return false }
        index = afterSpaces(json, from: index + 1)
        if index < count, json[index] == UInt8(ascii: "}") { return afterSpaces(json, from: index + 1) == count }
        var name: Range<Int> = 0..<0
        var readingText = false
        while true {
            // A string: `"` then plain bytes up to the next `"`.
            guard index < count, json[index] == quote else { return false }
            let start = index + 1
            var end = start
            while end < count, json[end] != quote {
                if json[end] == backslash || json[end] < 0x20 { return false }  // escaped, or not JSON
                end += 1
            }
            guard end < count else { return false }
            index = afterSpaces(json, from: end + 1)
            guard index < count else { return false }
            if readingText {
                entry(UnsafeBufferPointer(rebasing: json[name]), UnsafeBufferPointer(rebasing: json[start..<end]))
                readingText = false
                if json[index] == UInt8(ascii: "}") { return afterSpaces(json, from: index + 1) == count }
                guard json[index] == UInt8(ascii: ",") else { return false }
            } else {
                name = start..<end
                readingText = true
                guard json[index] == UInt8(ascii: ":") else { return false }
            }
            index = afterSpaces(json, from: index + 1)
        }
    }

    /// The first position at or after `index` that is not JSON whitespace.
    private static func afterSpaces(_ json: UnsafeBufferPointer<UInt8>, from index: Int) -> Int {
        var index = index
        while index < json.count, json[index] == 0x20 || json[index] == 0x0A || json[index] == 0x0D || json[index] == 0x09 { index += 1 }
        return index
    }

    /// A section field's entries, name → stored text; `nil` when the text is not a JSON object
    /// of strings.
    public static func sectionEntries(_ text: String) -> [String: String]? {
        guard case .object(let members)? = JSONValue(jsonBytes: Array(text.utf8)) else { return nil }
        var entries: [String: String] = [:]
        entries.reserveCapacity(members.count)
        for (name, value) in members {
            guard case .string(let text) = value else { return nil }
            entries[name] = text
        }
        return entries
    }

    /// A stored hash in the flat form readers index by: `a.<name>`, `m.<name>`, `t.<name>`, the
    /// model outputs, `_id` and `_updated`, whichever layout it was written in. A section field
    /// that is not a JSON object of strings (nothing Portrait wrote) is left out, as any other
    /// field readers do not know.
    public static func flatFields(_ hash: [String: String]) -> [String: String] {
        var sections: [(section: Section, entries: [String: String])] = []
        for section in Section.allCases {
            if let text = hash[section.field], let entries = sectionEntries(text) { sections.append((section, entries)) }
        }
        var flat: [String: String] = [:]
        flat.reserveCapacity(hash.count)
        for (field, text) in hash where Section(field: field) == nil {
            if let section = Section(flatName: field), sections.contains(where: { $0.section == section }) { continue }  // replaced
            flat[field] = text
        }
        for (section, entries) in sections {
            for (name, text) in entries { flat[section.flatPrefix + name] = text }
        }
        return flat
    }

    /// The hash fields that may hold the flat `names` (each name, and its section's field):
    /// what to `HMGET` before ``flatFields(_:)``.
    public static func storedFields(for names: [String]) -> [String] {
        var fields: [String] = []
        for name in names {
            if let section = Section(flatName: name), !fields.contains(section.field) { fields.append(section.field) }
            if !fields.contains(name) { fields.append(name) }
        }
        return fields
    }
}
