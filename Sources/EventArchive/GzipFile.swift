internal import CZlib
import Foundation

/// A gzip file written through zlib, synced to disk before it is closed.
final class GzipWriter {
    private var file: gzFile?
    private let descriptor: Int32
    let path: String

    init(path: String) throws(ArchiveError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw ArchiveError("cannot create \(path): \(String(cString: strerror(errno)))") }
        // Level 1: archive writes run beside the stream; speed matters more than the last 10 %.
        guard let file = gzdopen(dup(descriptor), "wb1") else {
            close(descriptor)
            throw ArchiveError("cannot open a gzip stream on \(path)")
        }
        self.file = file
    }

    deinit {
        if let file { gzclose(file) }
        close(descriptor)
    }

    func write(_ bytes: [UInt8]) throws(ArchiveError) {
        guard !bytes.isEmpty else { return }
        let written = bytes.withUnsafeBytes { gzwrite(file, $0.baseAddress, UInt32($0.count)) }
        guard written == Int32(bytes.count) else { throw ArchiveError("cannot write \(path)") }
    }

    /// Finishes the gzip stream and makes it durable.
    func finish() throws(ArchiveError) {
        guard let file else { return }
        self.file = nil
        guard gzclose(file) == Z_OK else { throw ArchiveError("cannot finish \(path)") }
        guard fsync(descriptor) == 0 else { throw ArchiveError("cannot sync \(path): \(String(cString: strerror(errno)))") }
    }
}

/// Reads a gzip file in large chunks.
final class GzipReader {
    private let file: gzFile
    let path: String

    init(path: String) throws(ArchiveError) {
        self.path = path
        guard let file = gzopen(path, "rb") else { throw ArchiveError("cannot open \(path)") }
        gzbuffer(file, 1 << 20)
        self.file = file
    }

    deinit { gzclose(file) }

    /// Appends up to `count` decompressed bytes to `buffer`; returns how many (0 at the end).
    func read(into buffer: inout [UInt8], count: Int = 1 << 20) throws(ArchiveError) -> Int {
        let start = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: count))
        let read = buffer.withUnsafeMutableBytes { gzread(file, $0.baseAddress! + start, UInt32(count)) }
        buffer.removeLast(count - max(Int(read), 0))
        guard read >= 0 else { throw ArchiveError("\(path) is not a readable gzip file") }
        if read == 0 {
            var code: Int32 = Z_OK
            _ = gzerror(file, &code)
            // zlib hands out what it could decompress and flags a stream that stops early.
            if code == Z_BUF_ERROR { throw ArchiveError("\(path) is truncated") }
            if code != Z_OK && code != Z_STREAM_END { throw ArchiveError("\(path) cannot be read (zlib error \(code))") }
        }
        return Int(read)
    }
}
