/// Commands encoded as RESP straight into one byte buffer, with typed arguments: no argument
/// array, no existential box and no `String` per argument. A batch writer (the processor's
/// flush writes thousands of commands per transaction) builds its commands here and hands the
/// buffer to ``RedisPipeline/append(encoded:)`` in one copy.
///
/// The blocking face's encoder; the NIO face's ``RESPEncoder`` writes the same format into a
/// `ByteBuffer`, with the same ``DecimalDigits``.
public struct RESPCommands {
    public private(set) var bytes: [UInt8] = []
    /// Commands encoded so far (each has one reply).
    public private(set) var count = 0
    /// Reused for arguments whose length is known only once written (``argument(writing:)``).
    private var scratch: [UInt8] = []

    public init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Starts a command of `arguments` arguments (its name included); exactly that many
    /// `argument` calls must follow.
    public mutating func command(arguments: Int) {
        bytes.append(UInt8(ascii: "*"))
        decimalLine(arguments)
        count += 1
    }

    public mutating func argument(_ text: String) {
        var text = text
        text.withUTF8 { argument(bytes: UnsafeRawBufferPointer($0)) }
    }

    public mutating func argument(_ text: StaticString) {
        argument(bytes: UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    public mutating func argument(_ value: Int64) {
        var digits = DecimalDigits(value)
        digits.withBytes { argument(bytes: $0) }
    }

    public mutating func argument(_ value: Int) {
        argument(Int64(value))
    }

    public mutating func argument(bytes argument: [UInt8]) {
        argument.withUnsafeBytes { self.argument(bytes: $0) }
    }

    public mutating func argument(bytes argument: UnsafeRawBufferPointer) {
        bytes.append(UInt8(ascii: "$"))
        decimalLine(argument.count)
        bytes.append(contentsOf: argument)
        crlf()
    }

    /// One argument that `write` appends (a JSON record), its length counted afterwards.
    public mutating func argument(writing write: (inout [UInt8]) -> Void) {
        var scratch = self.scratch
        self.scratch = []
        scratch.removeAll(keepingCapacity: true)
        write(&scratch)
        scratch.withUnsafeBytes { argument(bytes: $0) }
        self.scratch = scratch
    }

    private mutating func decimalLine(_ value: Int) {
        if value >= 0, value < 100 {  // most counts and lengths: no digit buffer
            if value >= 10 { bytes.append(UInt8(ascii: "0") + UInt8(value / 10)) }
            bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
            crlf()
            return
        }
        var digits = DecimalDigits(Int64(value))
        digits.withBytes { bytes.append(contentsOf: $0) }
        crlf()
    }

    private mutating func crlf() {
        bytes.append(13)
        bytes.append(10)
    }
}

/// An integer's decimal digits, formatted on the stack: RESP counts, lengths and integer
/// arguments in both encoders, and the API's access log lines (one digit writer).
public struct DecimalDigits {
    private var storage: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: 20 digits and a sign
    private var start = 24

    /// Appends `value` in decimal to `bytes`.
    public static func append(_ value: Int64, to bytes: inout [UInt8]) {
        var digits = DecimalDigits(value)
        digits.withBytes { bytes.append(contentsOf: $0) }
    }

    public init(_ value: Int64) {
        var magnitude = value.magnitude
        withUnsafeMutableBytes(of: &storage) { slots in
            repeat {
                start -= 1
                slots[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 {
                start -= 1
                slots[start] = UInt8(ascii: "-")
            }
        }
    }

    public mutating func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        let start = start
        return withUnsafeBytes(of: &storage) { body(UnsafeRawBufferPointer(rebasing: $0[start...])) }
    }
}
