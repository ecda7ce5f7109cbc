import StreamEngine

/// Reads and decodes one CSV file. A class because it owns a file descriptor and a buffer.
public final class CSVFileReader<Decoder: CSVRecordDecoder>: SourceReader {
    /// Longest accepted line.
    @usableFromInline static var maximumLineLength: Int { 64 << 20 }
    @usableFromInline static var maximumFields: Int { 256 }

    @usableFromInline let path: String
    @usableFromInline let decoder: Decoder
    @usableFromInline let policy: CSVErrorPolicy
    @usableFromInline let statistics: CSVReadStatistics
    @usableFromInline let descriptor: Int32
    @usableFromInline var buffer: UnsafeMutableRawBufferPointer
    /// Unparsed bytes are `buffer[start..<end]`.
    @usableFromInline var start = 0
    @usableFromInline var end = 0
    /// File offset of `buffer[0]`.
    @usableFromInline var bufferOffset: Int64
    @usableFromInline var reachedEndOfFile = false
    /// This reader's byte range ends here: it reads the lines that start before it.
    @usableFromInline let rangeEnd: Int64
    /// Lines (header, blank and malformed ones included) consumed since `countOrigin`.
    @usableFromInline var linesConsumed = 0
    /// The line start from which `linesConsumed` counts.
    @usableFromInline var countOrigin: Int64
    /// Newlines before `countOrigin`, counted only when an error needs a line number.
    @usableFromInline var linesBeforeOrigin: Int?
    @usableFromInline var skipHeader: Bool
    /// A reader that starts inside the file skips the line it lands in (the previous range's).
    @usableFromInline var skipPartialLine: Bool
    @usableFromInline let fieldStarts: UnsafeMutablePointer<Int>
    @usableFromInline let fieldEnds: UnsafeMutablePointer<Int>

    init(source: CSVFileSource<Decoder>, range: Range<Int64>, startingAt offset: SourceOffset?) throws {
        path = source.path
        decoder = source.decoder
        policy = source.errorPolicy
        statistics = source.statistics
        let opened = POSIXFile.openForReading(source.path)
        guard opened.descriptor >= 0 else { throw CSVError.cannotOpen(path: source.path, errno: opened.errno) }
        descriptor = opened.descriptor
        buffer = .allocate(byteCount: source.chunkSize, alignment: 64)
        fieldStarts = .allocate(capacity: Self.maximumFields)
        fieldEnds = .allocate(capacity: Self.maximumFields)
        rangeEnd = range.upperBound
        // Resuming from a checkpoint starts at a line start; a fresh reader of a later range
        // starts one byte early so that a line beginning exactly at its range is kept.
        let first = offset ?? max(0, range.lowerBound - 1)
        skipPartialLine = offset == nil && range.lowerBound > 0
        bufferOffset = first
        countOrigin = first
        skipHeader = source.hasHeader && first == 0 && !skipPartialLine
        if first > 0, !POSIXFile.seek(descriptor, to: first) {
            throw CSVError.readFailed(path: path, errno: 0)
        }
        if offset != nil {
            // Resuming from a checkpoint: count the lines before it now, so rows and errors
            // keep reporting true line numbers.
            linesBeforeOrigin = try countLines(upTo: first)
        }
    }

    deinit {
        buffer.deallocate()
        fieldStarts.deallocate()
        fieldEnds.deallocate()
        POSIXFile.close(descriptor)
    }

    @inlinable
    public var position: SourceOffset { bufferOffset + SourceOffset(start) }

    @inlinable
    public func read(into batch: inout [Decoder.Record], maxRecords: Int) throws -> SourceReadStatus {
        var produced = 0
        while true {
            guard let base = buffer.baseAddress else { return .endOfInput }
            if skipPartialLine || skipHeader {
                // Rare: done once per reader, outside the per-line loop.
                guard let newline = POSIXFile.firstNewline(base, from: start, to: end) else {
                    if reachedEndOfFile {
                        start = end
                        return .endOfInput
                    }
                    try refill()
                    continue
                }
                start = newline + 1
                if skipPartialLine {
                    skipPartialLine = false
                    countOrigin = bufferOffset + Int64(start)
                } else {
                    skipHeader = false
                    linesConsumed += 1
                }
                continue
            }
            // The per-line loop works on local copies: class properties are read and written
            // once per batch, not once per line.
            var cursor = start
            let limit = end
            let offset = bufferOffset
            let rangeEnd = self.rangeEnd
            var consumed = linesConsumed
            let lineBase = linesBeforeOrigin ?? 0
            var finished = false
            while produced < maxRecords {
                if offset + Int64(cursor) >= rangeEnd {
                    finished = true
                    break
                }
                guard let newline = POSIXFile.firstNewline(base, from: cursor, to: limit) else { break }
                consumed += 1
                if try consumeLine(base: base, from: cursor, to: newline, line: consumed, lineBase: lineBase, into: &batch) {
                    produced += 1
                }
                cursor = newline + 1
            }
            start = cursor
            linesConsumed = consumed
            if finished { return .endOfInput }
            if produced >= maxRecords { return .available }
            if reachedEndOfFile {
                if start < end, offset + Int64(start) < rangeEnd {
                    // Last line without a trailing newline.
                    linesConsumed += 1
                    if try consumeLine(base: base, from: start, to: end, line: linesConsumed, lineBase: lineBase, into: &batch) {
                        produced += 1
                    }
                    start = end
                }
                return .endOfInput
            }
            try refill()
        }
    }

    /// Parses `base[lineStart..<lineEnd]`, the `line`-th line since `countOrigin`; returns
    /// whether a record was appended. `lineBase` is the known count of earlier lines (0 in a
    /// split reader until an error made it count them).
    @inlinable
    func consumeLine(
        base: UnsafeMutableRawPointer, from lineStart: Int, to lineEnd: Int, line: Int, lineBase: Int,
        into batch: inout [Decoder.Record]
    ) throws -> Bool {
        var stop = lineEnd
        if stop > lineStart, base.load(fromByteOffset: stop - 1, as: UInt8.self) == 0x0D { stop -= 1 }
        if stop == lineStart { return false }  // blank line
        do throws(CSVFieldError) {
            let row = try split(base: UnsafeRawPointer(base), from: lineStart, to: stop, lineNumber: lineBase + line)
            if let expected = decoder.expectedFieldCount, row.count != expected {
                throw CSVFieldError(field: nil, reason: "expected \(expected) fields, found \(row.count)")
            }
            batch.append(try decoder.decode(row))
            return true
        } catch {
            let reason = error.field.map { "field \($0 + 1): \(error.reason)" } ?? error.reason
            let malformed = CSVError.malformedLine(path: path, line: try lineNumber(consumed: line), reason: reason)
            switch policy {
            case .fail: throw malformed
            case .skip:
                statistics.recordSkip(malformed)
                return false
            }
        }
    }

    /// The 1-based line number in the file of the `consumed`-th line since `countOrigin`.
    @usableFromInline
    func lineNumber(consumed: Int) throws -> Int {
        if linesBeforeOrigin == nil { linesBeforeOrigin = try countLines(upTo: countOrigin) }
        return (linesBeforeOrigin ?? 0) + consumed
    }

    /// Finds field boundaries. Lines without quotes (the common case) are scanned eight bytes
    /// at a time; a quote anywhere sends the line to ``splitQuoted(base:from:to:lineNumber:)``.
    @inlinable
    func split(base: UnsafeRawPointer, from lineStart: Int, to lineEnd: Int, lineNumber: Int) throws(CSVFieldError) -> CSVRow {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        /// 0x80 in every byte of `word` that is zero, nothing elsewhere (exact, no carries).
        @inline(__always) func zeroBytes(_ word: UInt64) -> UInt64 { ~(((word & low7) &+ low7) | word | low7) }
        var count = 0
        var fieldStart = lineStart
        var index = lineStart
        while index + 8 <= lineEnd {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            if zeroBytes(word ^ (ones &* 0x22)) != 0 {
                return try splitQuoted(base: base, from: lineStart, to: lineEnd, lineNumber: lineNumber)
            }
            var commas = zeroBytes(word ^ (ones &* 0x2C))
            while commas != 0 {
                guard count < Self.maximumFields - 1 else {
                    throw CSVFieldError(field: nil, reason: "more than \(Self.maximumFields) fields")
                }
                let comma = index + commas.trailingZeroBitCount / 8
                fieldStarts[count] = fieldStart
                fieldEnds[count] = comma
                count += 1
                fieldStart = comma + 1
                commas &= commas &- 1
            }
            index += 8
        }
        while index < lineEnd {
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            if byte == 0x22 { return try splitQuoted(base: base, from: lineStart, to: lineEnd, lineNumber: lineNumber) }
            if byte == 0x2C {
                guard count < Self.maximumFields - 1 else {
                    throw CSVFieldError(field: nil, reason: "more than \(Self.maximumFields) fields")
                }
                fieldStarts[count] = fieldStart
                fieldEnds[count] = index
                count += 1
                fieldStart = index + 1
            }
            index += 1
        }
        // The last field (empty after a trailing comma).
        fieldStarts[count] = fieldStart
        fieldEnds[count] = lineEnd
        count += 1
        return CSVRow(base: base, starts: fieldStarts, ends: fieldEnds, count: count, quoted: 0, lineNumber: lineNumber)
    }

    /// Finds field boundaries; quoted fields may contain commas and doubled quotes.
    @inlinable
    func splitQuoted(base: UnsafeRawPointer, from lineStart: Int, to lineEnd: Int, lineNumber: Int) throws(CSVFieldError) -> CSVRow {
        var count = 0
        var quoted: UInt64 = 0
        var index = lineStart
        while true {
            guard count < Self.maximumFields else {
                throw CSVFieldError(field: nil, reason: "more than \(Self.maximumFields) fields")
            }
            if index < lineEnd, base.load(fromByteOffset: index, as: UInt8.self) == 0x22 {
                // Quoted field: runs to the quote that is not doubled.
                let fieldStart = index + 1
                var cursor = fieldStart
                var closed = false
                while cursor < lineEnd {
                    if base.load(fromByteOffset: cursor, as: UInt8.self) == 0x22 {
                        if cursor + 1 < lineEnd, base.load(fromByteOffset: cursor + 1, as: UInt8.self) == 0x22 {
                            cursor += 2
                            continue
                        }
                        closed = true
                        break
                    }
                    cursor += 1
                }
                guard closed else { throw CSVFieldError(field: count, reason: "unterminated quoted field") }
                fieldStarts[count] = fieldStart
                fieldEnds[count] = cursor
                if count < 64 { quoted |= 1 << UInt64(count) }
                count += 1
                index = cursor + 1
                if index == lineEnd { break }
                guard base.load(fromByteOffset: index, as: UInt8.self) == 0x2C else {
                    throw CSVFieldError(field: count - 1, reason: "unexpected character after closing quote")
                }
                index += 1
                continue
            }
            let fieldStart = index
            while index < lineEnd, base.load(fromByteOffset: index, as: UInt8.self) != 0x2C { index += 1 }
            fieldStarts[count] = fieldStart
            fieldEnds[count] = index
            count += 1
            if index >= lineEnd { break }
            index += 1  // skip the comma; a trailing comma yields a final empty field
            if index == lineEnd {
                fieldStarts[count] = index
                fieldEnds[count] = index
                count += 1
                break
            }
        }
        return CSVRow(base: base, starts: fieldStarts, ends: fieldEnds, count: count, quoted: quoted, lineNumber: lineNumber)
    }

    /// Moves the unparsed tail to the front and reads more; grows the buffer for long lines.
    @usableFromInline
    func refill() throws {
        let remaining = end - start
        if remaining == buffer.count {
            guard buffer.count < Self.maximumLineLength else {
                throw CSVError.lineTooLong(path: path, line: try lineNumber(consumed: linesConsumed + 1), limit: Self.maximumLineLength)
            }
            let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 64)
            larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[start..<end]))
            buffer.deallocate()
            buffer = larger
        } else if remaining > 0, let base = buffer.baseAddress {
            base.copyMemory(from: base + start, byteCount: remaining)
        }
        bufferOffset += Int64(start)
        start = 0
        end = remaining
        guard let base = buffer.baseAddress else { return }
        let count = POSIXFile.read(descriptor, into: base + end, count: buffer.count - end)
        guard count >= 0 else { throw CSVError.readFailed(path: path, errno: Int32(-count)) }
        if count == 0 { reachedEndOfFile = true }
        end += count
    }

    /// Newlines in the file before `offset`, read through a second descriptor so the reading
    /// position and buffer stay untouched.
    @usableFromInline
    func countLines(upTo offset: Int64) throws -> Int {
        guard offset > 0 else { return 0 }
        let opened = POSIXFile.openForReading(path)
        guard opened.descriptor >= 0 else { throw CSVError.cannotOpen(path: path, errno: opened.errno) }
        defer { POSIXFile.close(opened.descriptor) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { chunk.deallocate() }
        guard let base = chunk.baseAddress else { return 0 }
        var lines = 0
        var remaining = offset
        while remaining > 0 {
            let count = POSIXFile.read(opened.descriptor, into: base, count: Int(min(Int64(chunk.count), remaining)))
            guard count > 0 else { throw CSVError.readFailed(path: path, errno: count < 0 ? Int32(-count) : 0) }
            var index = 0
            while let newline = POSIXFile.firstNewline(base, from: index, to: count) {
                lines += 1
                index = newline + 1
            }
            remaining -= Int64(count)
        }
        return lines
    }
}
