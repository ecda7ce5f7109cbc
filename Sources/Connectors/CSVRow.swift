/// One parsed CSV line: field boundaries over the reader's buffer, valid only during
/// ``CSVRecordDecoder/decode(_:)``.
///
/// Accessors parse straight from the bytes: no `String` per line or per field unless asked.
public struct CSVRow {
    @usableFromInline let base: UnsafeRawPointer
    @usableFromInline let starts: UnsafePointer<Int>
    @usableFromInline let ends: UnsafePointer<Int>
    @usableFromInline let quoted: UInt64
    /// Number of fields.
    public let count: Int
    /// 1-based line number in the file (in a reader of a later byte range of a split file,
    /// counted from the range's first line).
    public let lineNumber: Int

    @usableFromInline
    init(base: UnsafeRawPointer, starts: UnsafePointer<Int>, ends: UnsafePointer<Int>, count: Int, quoted: UInt64, lineNumber: Int) {
        self.base = base
        self.starts = starts
        self.ends = ends
        self.count = count
        self.quoted = quoted
        self.lineNumber = lineNumber
    }

    /// The raw bytes of field `index` (without surrounding quotes; doubled quotes kept).
    @inlinable
    public func bytes(_ index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + starts[index], count: ends[index] - starts[index])
    }

    /// Field `index` as a string (quotes unescaped).
    public func string(_ index: Int) -> String {
        let raw = bytes(index)
        let text = String(decoding: raw, as: UTF8.self)
        guard index < 64, quoted & (1 << UInt64(index)) != 0 else { return text }
        return text.replacingOccurrences(of: "\"\"", with: "\"")
    }

    /// Whether field `index` equals `literal` byte for byte.
    @inlinable
    public func field(_ index: Int, equals literal: StaticString) -> Bool {
        let raw = bytes(index)
        guard raw.count == literal.utf8CodeUnitCount else { return false }
        return memcmpBytes(raw.baseAddress, UnsafeRawPointer(literal.utf8Start), raw.count)
    }

    @inlinable
    func memcmpBytes(_ lhs: UnsafeRawPointer?, _ rhs: UnsafeRawPointer, _ count: Int) -> Bool {
        guard let lhs else { return count == 0 }
        for offset in 0..<count where lhs.load(fromByteOffset: offset, as: UInt8.self) != rhs.load(fromByteOffset: offset, as: UInt8.self) {
            return false
        }
        return true
    }

    /// Field `index` as a decimal integer (optional leading `-`).
    @inlinable
    public func int64(_ index: Int) throws(CSVFieldError) -> Int64 {
        let raw = bytes(index)
        guard !raw.isEmpty else { throw CSVFieldError(field: index, reason: "empty integer field") }
        var position = 0
        let negative = raw[0] == UInt8(ascii: "-")
        if negative { position = 1 }
        guard position < raw.count else { throw CSVFieldError(field: index, reason: "'-' without digits") }
        var value: Int64 = 0
        if raw.count - position <= 18 {
            // 18 digits cannot overflow Int64: skip the overflow checks.
            if raw.count - position >= 8, let start = raw.baseAddress {
                // Long numbers (epoch-ms timestamps): leading digits one by one, the last eight
                // in one word.
                let head = raw.count - 8
                while position < head {
                    let digit = raw[position] &- UInt8(ascii: "0")
                    guard digit < 10 else { throw notANumber(index) }
                    value = value &* 10 &+ Int64(digit)
                    position += 1
                }
                guard let eight = Self.eightDigits(start.loadUnaligned(fromByteOffset: head, as: UInt64.self)) else {
                    throw notANumber(index)
                }
                value = value &* 100_000_000 &+ Int64(eight)
                return negative ? -value : value
            }
            while position < raw.count {
                let digit = raw[position] &- UInt8(ascii: "0")
                guard digit < 10 else { throw notANumber(index) }
                value = value &* 10 &+ Int64(digit)
                position += 1
            }
            return negative ? -value : value
        }
        while position < raw.count {
            let digit = raw[position] &- UInt8(ascii: "0")
            guard digit < 10 else { throw notANumber(index) }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { throw CSVFieldError(field: index, reason: "integer out of range") }
            value = sum
            position += 1
        }
        return negative ? -value : value
    }

    /// The value of eight ASCII digits loaded as a little-endian word, or `nil` if any byte
    /// is not a digit (SWAR: digits combine into pairs, quads, then the whole by three multiplications).
    @inlinable
    static func eightDigits(_ raw: UInt64) -> UInt32? {
        let word = UInt64(littleEndian: raw)
        let digits = word &- 0x3030_3030_3030_3030
        // A byte is a digit iff it is >= '0' (no borrow into bit 7) and adding 118 keeps it < 128.
        guard (word & 0x8080_8080_8080_8080) == 0,
              ((digits | (digits &+ 0x7676_7676_7676_7676)) & 0x8080_8080_8080_8080) == 0 else { return nil }
        var value = (digits &* (10 << 8 + 1)) >> 8
        value = ((value & 0x00FF_00FF_00FF_00FF) &* (100 << 16 + 1)) >> 16
        value = ((value & 0x0000_FFFF_0000_FFFF) &* (10_000 << 32 + 1)) >> 32
        return UInt32(truncatingIfNeeded: value)
    }

    /// Field `index` as an exact decimal scaled to `scale` fraction digits: `"12.5"` with
    /// scale 2 is `1250`. More fraction digits than `scale` (unless zeros) is an error.
    @inlinable
    public func scaledDecimal(_ index: Int, scale: Int) throws(CSVFieldError) -> Int64 {
        let raw = bytes(index)
        guard !raw.isEmpty else { throw CSVFieldError(field: index, reason: "empty decimal field") }
        var position = 0
        let negative = raw[0] == UInt8(ascii: "-")
        if negative { position = 1 }
        var value: Int64 = 0
        var fractionDigits = -1  // -1: no decimal point seen yet
        var digits = 0
        while position < raw.count {
            let byte = raw[position]
            position += 1
            if byte == UInt8(ascii: ".") {
                guard fractionDigits < 0 else { throw notANumber(index) }
                fractionDigits = 0
                continue
            }
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { throw notANumber(index) }
            digits += 1
            if fractionDigits >= 0 {
                if fractionDigits == scale {
                    guard digit == 0 else { throw CSVFieldError(field: index, reason: "more than \(scale) decimal places") }
                    continue
                }
                fractionDigits += 1
            }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { throw CSVFieldError(field: index, reason: "decimal out of range") }
            value = sum
        }
        guard digits > 0 else { throw notANumber(index) }
        var scaled = value
        for _ in max(0, fractionDigits)..<scale {
            let (times10, overflow) = scaled.multipliedReportingOverflow(by: 10)
            guard !overflow else { throw CSVFieldError(field: index, reason: "decimal out of range") }
            scaled = times10
        }
        return negative ? -scaled : scaled
    }

    @usableFromInline
    func notANumber(_ index: Int) -> CSVFieldError {
        CSVFieldError(field: index, reason: "'\(String(decoding: bytes(index).prefix(40), as: UTF8.self))' is not a number")
    }
}
