/// Formats CSV rows into a byte buffer without Foundation: integers and fixed-point decimals
/// are written digit by digit, text is quoted only when it must be.
///
/// Numeric fields are staged in a small inline buffer and a row reaches ``bytes`` in one copy
/// at ``endRow()``: one capacity and uniqueness check per row, not one per byte.
public struct CSVLineWriter {
    /// The formatted bytes of the rows ended so far.
    public var bytes: [UInt8]
    @usableFromInline var atRowStart = true
    /// Inline staging for the current row (256 bytes).
    @usableFromInline var staged: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    @usableFromInline var stagedCount = 0

    /// Creates a writer with `capacity` bytes reserved.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @usableFromInline static var stagingCapacity: Int { 256 }

    /// Moves the staged bytes to ``bytes``.
    @inlinable
    mutating func flushStaged() {
        guard stagedCount > 0 else { return }
        let count = stagedCount
        withUnsafeBytes(of: &staged) { raw in
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[0..<count]))
        }
        stagedCount = 0
    }

    @inlinable
    mutating func separator() {
        flushStaged()
        if atRowStart { atRowStart = false } else { bytes.append(UInt8(ascii: ",")) }
    }

    /// Appends an integer field.
    @inlinable
    public mutating func field(_ value: Int64) {
        appendField { out in
            var length = 0
            if value < 0 {
                out[0] = UInt8(ascii: "-")
                length = 1
            }
            return length + Self.writeUnsigned(value.magnitude, to: out + length)
        }
    }

    /// Appends a fixed-point decimal field: `field(cents: 1234, scale: 2)` writes `12.34`.
    @inlinable
    public mutating func field(scaled value: Int64, scale: Int) {
        guard scale <= 18 else { return fieldWithLargeScale(value, scale: scale) }
        appendField { out in
            var magnitude = value.magnitude
            var length = 0
            if value < 0 {
                out[0] = UInt8(ascii: "-")
                length = 1
            }
            var divisor: UInt64 = 1
            for _ in 0..<scale { divisor &*= 10 }
            length += Self.writeUnsigned(magnitude / divisor, to: out + length)
            guard scale > 0 else { return length }
            out[length] = UInt8(ascii: ".")
            length += 1
            magnitude %= divisor
            // Fraction digits from the last, zero-padded to `scale`.
            var index = length + scale
            while index > length {
                index -= 1
                out[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            }
            return length + scale
        }
    }

    /// Scales beyond 18 digits (never in practice): digit by digit.
    @usableFromInline
    mutating func fieldWithLargeScale(_ value: Int64, scale: Int) {
        separator()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        bytes.append(UInt8(ascii: "0"))
        bytes.append(UInt8(ascii: "."))
        let digits = Array(String(value.magnitude).utf8)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, scale - digits.count)))
        bytes.append(contentsOf: digits.suffix(scale))
    }

    /// Formats a field (separator included) into the staging buffer; `body` writes at most
    /// 48 bytes and returns how many.
    @inlinable
    mutating func appendField(_ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if stagedCount > Self.stagingCapacity - 64 { flushStaged() }
        var length = stagedCount
        withUnsafeMutableBytes(of: &staged) { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            if atRowStart {
                atRowStart = false
            } else {
                base[length] = UInt8(ascii: ",")
                length += 1
            }
            length += body(base + length)
        }
        stagedCount = length
    }

    /// Writes `value` in decimal at `out` (at most 20 bytes), two digits per step; returns
    /// the digit count.
    @inlinable
    static func writeUnsigned(_ value: UInt64, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var digits = 1
        var probe = value
        while probe >= 100 {
            probe /= 100
            digits += 2
        }
        if probe >= 10 { digits += 1 }
        let pairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
        let table = pairs.utf8Start
        var remaining = value
        var index = digits
        while remaining >= 100 {
            let pair = Int(remaining % 100) &* 2
            remaining /= 100
            index -= 2
            out[index] = table[pair]
            out[index + 1] = table[pair + 1]
        }
        if remaining >= 10 {
            let pair = Int(remaining) &* 2
            out[index - 2] = table[pair]
            out[index - 1] = table[pair + 1]
        } else {
            out[index - 1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining)
        }
        return digits
    }

    /// Appends raw bytes as a field; the caller guarantees no quoting is needed.
    @inlinable
    public mutating func field(unquoted raw: [UInt8]) {
        guard raw.count <= 48 else {
            separator()
            bytes.append(contentsOf: raw)
            return
        }
        appendField { out in
            raw.withUnsafeBufferPointer { source in
                guard let base = source.baseAddress else { return }
                out.update(from: base, count: source.count)
            }
            return raw.count
        }
    }

    /// Appends text, quoted if it contains a comma, quote or line break.
    public mutating func field(_ text: String) {
        separator()
        let utf8 = text.utf8
        let needsQuotes = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else {
            bytes.append(contentsOf: utf8)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        for byte in utf8 {
            if byte == UInt8(ascii: "\"") { bytes.append(byte) }
            bytes.append(byte)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Ends the row with `\n`.
    @inlinable
    public mutating func endRow() {
        if stagedCount == Self.stagingCapacity { flushStaged() }
        let index = stagedCount
        withUnsafeMutableBytes(of: &staged) { raw in raw[index] = 0x0A }
        stagedCount += 1
        flushStaged()
        atRowStart = true
    }
}
