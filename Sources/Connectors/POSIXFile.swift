#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over POSIX file calls used by the CSV connectors, so the rest of the code
/// never sees C types.
@usableFromInline
enum POSIXFile {
    static func openForReading(_ path: String) -> (descriptor: Int32, errno: Int32) {
        let descriptor = open(path, O_RDONLY)
        return (descriptor, descriptor < 0 ? errno : 0)
    }

    static func openForWriting(_ path: String) -> (descriptor: Int32, errno: Int32) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        return (descriptor, descriptor < 0 ? errno : 0)
    }

    /// Reads up to `count` bytes; returns bytes read (0 at end) or `-errno`.
    static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
        while true {
            let result = Glibc_read(descriptor, buffer, count)
            if result >= 0 { return result }
            if errno == EINTR { continue }
            return -Int(errno)
        }
    }

    /// Writes all `count` bytes; returns 0 or the errno.
    static func writeAll(_ descriptor: Int32, _ buffer: UnsafeRawPointer, count: Int) -> Int32 {
        var written = 0
        while written < count {
            let result = Glibc_write(descriptor, buffer + written, count - written)
            if result < 0 {
                if errno == EINTR { continue }
                return errno
            }
            written += result
        }
        return 0
    }

    /// Size of the file at `path` in bytes, or `nil` (with errno) if it cannot be examined.
    static func size(_ path: String) -> (size: Int64?, errno: Int32) {
        var info = stat()
        guard stat(path, &info) == 0 else { return (nil, errno) }
        return (Int64(info.st_size), 0)
    }

    /// Index of the first `\n` in `base[from..<to]`, if any (libc's vectorised `memchr`).
    @usableFromInline
    static func firstNewline(_ base: UnsafeRawPointer, from: Int, to: Int) -> Int? {
        guard from < to, let found = memchr(base + from, 0x0A, to - from) else { return nil }
        return UnsafeRawPointer(found) - base
    }

    static func seek(_ descriptor: Int32, to offset: Int64) -> Bool {
        lseek(descriptor, off_t(offset), SEEK_SET) == off_t(offset)
    }

    static func close(_ descriptor: Int32) {
        _ = Glibc_close(descriptor)
    }
}

private func Glibc_read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
private func Glibc_write(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
private func Glibc_close(_ fd: Int32) -> Int32 { close(fd) }
