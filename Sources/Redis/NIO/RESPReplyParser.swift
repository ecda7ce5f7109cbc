import NIOCore

/// Finds whole RESP2 replies in the bytes read from a Redis socket, in Swift, and hands each
/// out as the bytes Redis sent (a slice, no copy): ``RedisChannelHandler`` decodes them into
/// ``RedisReply`` values, or passes them on as they are to a caller that reads them itself
/// (the API's profile read, which writes JSON from a hash's bytes without a `RedisReply` per
/// field: Benchmarks/README.md, "Issue 16, answers as bytes"). It replaced hiredis's reader
/// on this path, which copied every read into its own buffer and built a C object per value.
///
/// The scan of a reply resumes where the last read ended (a position and the number of values
/// still owed), so a long array arriving over many reads is scanned once.
struct RESPReplyParser {
    private var buffer: ByteBuffer?
    /// The buffer is this parser's own (bytes kept from an earlier read), not the channel's.
    private var ownsBuffer = false
    /// Scan progress of the reply at the buffer's reader index: bytes done, values still owed.
    private var scanned = 0
    private var owed = 1

    /// The bytes kept for a partial reply, with room to grow (tests check it stays bounded).
    var bufferedCapacity: Int { buffer?.capacity ?? 0 }

    /// Takes newly read bytes (without copying them when nothing is left over from before).
    mutating func feed(_ bytes: ByteBuffer) {
        guard var kept = buffer, kept.readableBytes > 0 else {
            buffer = bytes
            ownsBuffer = false
            return
        }
        var bytes = bytes
        if !ownsBuffer {
            // The channel's read buffer: copied out once, so the channel can reuse its own.
            var own = ByteBufferAllocator().buffer(capacity: kept.readableBytes + bytes.readableBytes)
            own.writeBuffer(&kept)
            kept = own
            ownsBuffer = true
        }
        buffer = nil  // one reference, so the edits below happen in place
        // Replies handed out before are gone (their callers read them at once): move the
        // partial one to the front, or a connection whose reads always end mid-reply would
        // grow this buffer forever.
        if kept.readerIndex > 0 { kept.discardReadBytes() }
        kept.writeBuffer(&bytes)
        buffer = kept
    }

    /// The next complete reply's bytes, `nil` while more are needed.
    mutating func next() throws(RedisError) -> ByteBuffer? {
        guard var current = buffer, current.readableBytes > 0 else { return nil }
        switch current.withUnsafeReadableBytes({ scan($0) }) {
        case .needMore: return nil
        case .invalid(let detail): throw .unexpectedReply(expected: "RESP", got: "unparsable bytes (\(detail))")
        case .complete: break
        }
        let reply = current.readSlice(length: scanned)!
        scanned = 0
        owed = 1
        buffer = current.readableBytes > 0 ? current : nil
        return reply
    }

    private enum Progress {
        case complete
        case needMore
        case invalid(String)
    }

    /// Advances ``scanned`` over whole values, up to the end of the reply or of the bytes.
    private mutating func scan(_ bytes: UnsafeRawBufferPointer) -> Progress {
        while owed > 0 {
            guard let lineEnd = RESPBytes.lineEnd(in: bytes, valueAt: scanned) else { return .needMore }
            guard bytes[lineEnd + 1] == UInt8(ascii: "\n") else { return .invalid("CR without LF") }
            let type = bytes[scanned]
            let line = UnsafeRawBufferPointer(rebasing: bytes[(scanned + 1)..<lineEnd])
            switch type {
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                scanned = lineEnd + 2
            case UInt8(ascii: ":"):
                guard RESPBytes.integer(line) != nil else { return .invalid("integer \(String(decoding: line, as: UTF8.self))") }
                scanned = lineEnd + 2
            case UInt8(ascii: "$"):
                guard let length = RESPBytes.integer(line), length >= -1, length <= Int32.max else { return .invalid("bulk length \(String(decoding: line, as: UTF8.self))") }
                if length >= 0 {
                    let end = lineEnd + 2 + Int(length)
                    guard bytes.count >= end + 2 else { return .needMore }
                    guard bytes[end] == UInt8(ascii: "\r"), bytes[end + 1] == UInt8(ascii: "\n") else { return .invalid("bulk string without CRLF") }
                    scanned = end + 2
                } else {
                    scanned = lineEnd + 2
                }
            case UInt8(ascii: "*"):
                guard let count = RESPBytes.integer(line), count >= -1, count <= Int32.max else { return .invalid("array length \(String(decoding: line, as: UTF8.self))") }
                scanned = lineEnd + 2
                owed += max(0, Int(count))
            default:
                return .invalid("type byte \(type)")
            }
            owed -= 1
        }
        return .complete
    }
}

/// One RESP value's parts read in place, shared by the scan above, the decoder below and
/// callers that walk a reply's bytes themselves (the API's profile read, field by field).
public enum RESPBytes {
    /// Where the line of the value at `start` (its type byte, then text) ends: the index of the
    /// first CR after the type byte; `nil` when the bytes end before that CR and one more byte.
    @inlinable
    static func lineEnd(in bytes: UnsafeRawBufferPointer, valueAt start: Int) -> Int? {
        var end = start + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "\r") { end += 1 }
        return end + 1 < bytes.count ? end : nil
    }

    /// A decimal integer with an optional `-`, as RESP writes lengths and integers.
    @inlinable static func integer(_ line: UnsafeRawBufferPointer) -> Int64? {
        guard !line.isEmpty else { return nil }
        let negative = line[0] == UInt8(ascii: "-")
        let digits = negative ? UnsafeRawBufferPointer(rebasing: line[1...]) : line
        guard !digits.isEmpty, digits.count <= 19 else { return nil }
        var value: Int64 = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(digit - UInt8(ascii: "0")))
            guard !overflow, !overflow2 else { return nil }
            value = sum
        }
        return negative ? -value : value
    }

    /// The count in a header `<type><count>\r\n` at `index` (moved past it); `nil` for another
    /// type, a malformed line, or a negative count (a `nil` reply).
    @inlinable
    public static func header(_ type: UInt8, in bytes: UnsafeRawBufferPointer, at index: inout Int) -> Int? {
        guard index < bytes.count, bytes[index] == type, let end = lineEnd(in: bytes, valueAt: index), bytes[end + 1] == UInt8(ascii: "\n"),
              let count = RESPBytes.integer(UnsafeRawBufferPointer(rebasing: bytes[(index + 1)..<end])), count >= 0, count <= Int32.max
        else { return nil }
        index = end + 2
        return Int(count)
    }

    /// The bulk string at `index` (moved past it, and past its CRLF), or `nil` for anything else.
    @inlinable
    public static func bulk(in bytes: UnsafeRawBufferPointer, at index: inout Int) -> UnsafeRawBufferPointer? {
        var position = index
        guard let length = header(UInt8(ascii: "$"), in: bytes, at: &position), length + 2 <= bytes.count - position else { return nil }
        index = position + length + 2
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)])
    }
}

extension RedisReply {
    /// The reply whose RESP bytes are `bytes`, one whole reply as ``RESPReplyParser`` hands it out.
    public init(resp bytes: ByteBuffer) throws(RedisError) {
        let decoded: RedisReply? = bytes.withUnsafeReadableBytes { bytes in
            var index = 0
            return Self.decode(bytes, at: &index)
        }
        guard let decoded else { throw .unexpectedReply(expected: "one whole RESP reply", got: "\(bytes.readableBytes) bytes that are not one") }
        self = decoded
    }

    /// The value at `index` (moved past it); `nil` for bytes that are not a whole value.
    private static func decode(_ bytes: UnsafeRawBufferPointer, at index: inout Int) -> RedisReply? {
        guard index < bytes.count, let lineEnd = RESPBytes.lineEnd(in: bytes, valueAt: index) else { return nil }
        let type = bytes[index]
        let line = UnsafeRawBufferPointer(rebasing: bytes[(index + 1)..<lineEnd])
        index = lineEnd + 2
        switch type {
        case UInt8(ascii: "+"): return .status(String(decoding: line, as: UTF8.self))
        case UInt8(ascii: "-"): return .error(String(decoding: line, as: UTF8.self))
        case UInt8(ascii: ":"): return RESPBytes.integer(line).map { .integer($0) }
        case UInt8(ascii: "$"):
            guard let length = RESPBytes.integer(line) else { return nil }
            guard length >= 0 else { return .null }
            let end = index + Int(length)
            guard end + 2 <= bytes.count else { return nil }
            let value = Array(UnsafeRawBufferPointer(rebasing: bytes[index..<end]))
            index = end + 2
            return .bulk(value)
        case UInt8(ascii: "*"):
            guard let count = RESPBytes.integer(line) else { return nil }
            guard count >= 0 else { return .null }
            var items: [RedisReply] = []
            items.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let item = decode(bytes, at: &index) else { return nil }
                items.append(item)
            }
            return .array(items)
        default: return nil
        }
    }
}
