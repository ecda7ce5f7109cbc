/// The metric state keys of one definition set (``CompiledMetric/stateKey``), in name order,
/// and a fingerprint of them. A state blob refers to its metric states by position in this
/// list and names the list by its fingerprint (``ProfileStateCodec``), instead of writing
/// `orders_30d#1a2b3c4d` per state per write: the names were a quarter of every blob, and the
/// blob the largest part of what Redis appends to its AOF per event.
///
/// The list is stored once in Redis (the processor's `ProfileKeys.stateKeys`), in the same
/// transaction as the first blob that refers to it; a reader whose definitions differ from the
/// writer's reads it from there.
public final class StateKeys: Sendable, Equatable {
    public let names: [String]
    public let fingerprint: UInt64
    /// One name per line (state keys are identifiers, `#` and hex digits: no line breaks): how
    /// Redis stores the list.
    public let text: String

    /// `names` sorted, each once.
    public init(_ names: some Sequence<String>) {
        self.names = Array(Set(names)).sorted()
        fingerprint = Self.fingerprint(of: self.names)
        text = self.names.joined(separator: "\n")
    }

    /// The list as ``text`` stored it; `nil` when the text does not match its fingerprint.
    public init?(text: String, fingerprint: UInt64) {
        let names = text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard names == names.sorted(), Self.fingerprint(of: names) == fingerprint else { return nil }
        self.names = names
        self.fingerprint = fingerprint
        self.text = text
    }

    public static let empty = StateKeys([])

    /// A fingerprint as 16 hex digits, for key names.
    public static func hex(_ fingerprint: UInt64) -> String {
        let digits = String(fingerprint, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    public static func == (a: StateKeys, b: StateKeys) -> Bool { a.fingerprint == b.fingerprint && a.names == b.names }

    /// 64-bit FNV-1a over the names, each followed by a line break: stable across processes.
    private static func fingerprint(of names: [String]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for name in names {
            for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            hash = (hash ^ 0x0a) &* 0x100_0000_01b3
        }
        return hash
    }
}
