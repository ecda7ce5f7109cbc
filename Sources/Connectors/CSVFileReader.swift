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
    @usableFromInline var nextLineNumber: Int
    @usableFromInline var skipNextLine: Bool
    @usableFromInline let fieldStarts: UnsafeMutablePointer<Int>
    @usableFromInline let fieldEnds: UnsafeMutablePointer<Int>

    init(source: CSVFileSource<Decoder>, startingAt offset: SourceOffset) throws {
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
        bufferOffset = offset
        nextLineNumber = 1
        skipNextLine = source.hasHeader && offset == 0
        if offset > 0 {
            // Resuming from a checkpoint: count the lines before `offset` so errors keep
            // reporting true line numbers.
            nextLineNumber = try countLines(upTo: offset) + 1
            guard POSIXFile.seek(descriptor, to: offset) else { throw CSVError.readFailed(path: path, errno: 0) }
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
        while produced < maxRecords {
            guard let newline = findNewline() else {
                if reachedEndOfFile {
                    if start < end {
                        // Last line without a trailing newline.
                        if try consumeLine(upTo: end, into: &batch) { produced += 1 }
                        start = end
                    }
                    return .endOfInput
                }
                try refill()
                continue
            }
            if try consumeLine(upTo: newline, into: &batch) { produced += 1 }
            start = newline + 1
        }
        return .available
    }

    @inlinable
    func findNewline() -> Int? {
        guard start < end, let base = buffer.baseAddress else { return nil }
        var index = start
        while index < end {
            if base.load(fromByteOffset: index, as: UInt8.self) == 0x0A { return index }
            index += 1
        }
        return nil
    }

    /// Parses `buffer[start..<lineEnd]`; returns whether a record was appended.
    @inlinable
    func consumeLine(upTo lineEnd: Int, into batch: inout [Decoder.Record]) throws -> Bool {
        let lineNumber = nextLineNumber
        nextLineNumber += 1
        if skipNextLine {
            skipNextLine = false
            return false
        }
        guard let base = buffer.baseAddress else { return false }
        var stop = lineEnd
        if stop > start, base.load(fromByteOffset: stop - 1, as: UInt8.self) == 0x0D { stop -= 1 }
        if stop == start { return false }  // blank line
        do throws(CSVFieldError) {
            let row = try split(base: UnsafeRawPointer(base), from: start, to: stop, lineNumber: lineNumber)
            if let expected = decoder.expectedFieldCount, row.count != expected {
                throw CSVFieldError(field: nil, reason: "expected \(expected) fields, found \(row.count)")
            }
            batch.append(try decoder.decode(row))
            return true
        } catch {
            let reason = error.field.map { "field \($0 + 1): \(error.reason)" } ?? error.reason
            let malformed = CSVError.malformedLine(path: path, line: lineNumber, reason: reason)
            switch policy {
            case .fail: throw malformed
            case .skip:
                statistics.recordSkip(malformed)
                return false
            }
        }
    }

    /// Finds field boundaries; quoted fields may contain commas and doubled quotes.
    @inlinable
    func split(base: UnsafeRawPointer, from lineStart: Int, to lineEnd: Int, lineNumber: Int) throws(CSVFieldError) -> CSVRow {
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
                throw CSVError.lineTooLong(path: path, line: nextLineNumber, limit: Self.maximumLineLength)
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

    @usableFromInline
    func countLines(upTo offset: Int64) throws -> Int {
        var lines = 0
        var remaining = offset
        guard let base = buffer.baseAddress else { return 0 }
        while remaining > 0 {
            let count = POSIXFile.read(descriptor, into: base, count: Int(min(Int64(buffer.count), remaining)))
            guard count > 0 else { throw CSVError.readFailed(path: path, errno: count < 0 ? Int32(-count) : 0) }
            for index in 0..<count where base.load(fromByteOffset: index, as: UInt8.self) == 0x0A { lines += 1 }
            remaining -= Int64(count)
        }
        return lines
    }
}
