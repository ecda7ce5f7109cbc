/// Formats CSV rows into a byte buffer without Foundation: integers and fixed-point decimals
/// are written digit by digit, text is quoted only when it must be.
public struct CSVLineWriter {
    /// The formatted bytes.
    public var bytes: [UInt8]
    @usableFromInline var atRowStart = true

    /// Creates a writer with `capacity` bytes reserved.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inlinable
    mutating func separator() {
        if atRowStart { atRowStart = false } else { bytes.append(UInt8(ascii: ",")) }
    }

    /// Appends an integer field.
    @inlinable
    public mutating func field(_ value: Int64) {
        separator()
        appendInteger(value)
    }

    /// Appends a fixed-point decimal field: `field(cents: 1234, scale: 2)` writes `12.34`.
    @inlinable
    public mutating func field(scaled value: Int64, scale: Int) {
        separator()
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var divisor: UInt64 = 1
        for _ in 0..<scale { divisor &*= 10 }
        appendUnsigned(magnitude / divisor)
        guard scale > 0 else { return }
        bytes.append(UInt8(ascii: "."))
        magnitude %= divisor
        var digit = divisor / 10
        while digit > 0 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude / digit))
            magnitude %= digit
            digit /= 10
        }
    }

    /// Appends raw bytes as a field; the caller guarantees no quoting is needed.
    @inlinable
    public mutating func field(unquoted raw: [UInt8]) {
        separator()
        bytes.append(contentsOf: raw)
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
        bytes.append(0x0A)
        atRowStart = true
    }

    @inlinable
    mutating func appendInteger(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        appendUnsigned(value.magnitude)
    }

    @inlinable
    mutating func appendUnsigned(_ value: UInt64) {
        if value < 10 {
            bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        // 20 digits cover UInt64.max; fill from the end, then copy once.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var remaining = value
            var index = 20
            while remaining > 0 {
                index -= 1
                digits[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
                remaining /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[index..<20]))
        }
    }
}
