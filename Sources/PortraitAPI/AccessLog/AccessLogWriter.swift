#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NIOPosix
import Synchronization

/// Collects access log lines on the threads that answer requests and writes them in batches
/// from one thread of its own.
///
/// Each writing thread (an event loop, or a task's thread) appends to a buffer of its own,
/// found through a thread-local, so the lock it takes per line is never contended by another
/// request thread: only the writer thread takes it too, once per batch, to swap the buffer out.
/// Every few milliseconds the writer swaps each thread's buffer for an empty one and writes each
/// with one `write(2)` (a batch is whole lines, so lines from other writers never interleave
/// inside one).
///
/// Bounded: a thread's buffer holds at most ``bufferLimit`` bytes; a line that would not fit is
/// dropped and counted (``droppedLines``) rather than making a request wait for the disk or a
/// slow stderr reader. The writer reports drops through `onDrop` after the batch.
public final class AccessLogWriter: Sendable {
    /// Bytes a thread's buffer may hold before lines are dropped: ~0.5 s of lines at 50k
    /// requests/s on one thread.
    public static let bufferLimit = 4 << 20

    /// One thread's buffer.
    final class Buffer: Sendable {
        struct State {
            var bytes: [UInt8] = []
            var dropped = 0
            var clock = AccessLogClock()
        }
        let state = Mutex(State())
    }

    private let buffers = Mutex<[Buffer]>([])
    private let threadBuffer = ThreadSpecificVariable<Buffer>()
    private let dropped = Atomic<Int>(0)
    private let limit: Int

    /// Lines dropped so far because a buffer was full.
    public var droppedLines: Int { dropped.load(ordering: .relaxed) }

    /// A writer whose lines are taken with ``take()`` (tests) until ``start(fileDescriptor:onDrop:)``.
    public init(bufferLimit: Int = AccessLogWriter.bufferLimit) {
        limit = bufferLimit
    }

    /// The buffer of the calling thread, made on its first line.
    private func buffer() -> Buffer {
        if let buffer = threadBuffer.currentValue { return buffer }
        let buffer = Buffer()
        threadBuffer.currentValue = buffer
        buffers.withLock { $0.append(buffer) }
        return buffer
    }

    /// Appends one line, built by `build` straight into the calling thread's buffer (with that
    /// thread's timestamp cache), or counts it as dropped when the buffer is full.
    func append(_ build: (inout [UInt8], inout AccessLogClock) -> Void) {
        let full = buffer().state.withLock { state in
            guard state.bytes.count < limit else {
                state.dropped += 1
                return true
            }
            build(&state.bytes, &state.clock)
            return false
        }
        if full { dropped.add(1, ordering: .relaxed) }
    }

    /// Every line appended so far, in one thread's order per thread, and the lines dropped
    /// since the last call; the buffers are emptied.
    public func take() -> (bytes: [UInt8], dropped: Int) {
        var bytes: [UInt8] = []
        var dropped = 0
        drain { batch, droppedHere in
            bytes.append(contentsOf: batch)
            dropped += droppedHere
        }
        return (bytes, dropped)
    }

    /// Hands each thread's pending lines to `body` (one call per non-empty buffer), swapping
    /// the buffer for `spare` so that the lock is held only for the swap.
    private func drain(_ body: ([UInt8], Int) -> Void) {
        let all = buffers.withLock { $0 }
        var spare: [UInt8] = []
        for buffer in all {
            var dropped = 0
            buffer.state.withLock { state in
                swap(&state.bytes, &spare)
                dropped = state.dropped
                state.dropped = 0
            }
            if !spare.isEmpty || dropped > 0 { body(spare, dropped) }
            spare.removeAll(keepingCapacity: true)
        }
    }

    /// Starts the thread that writes the lines to `fileDescriptor` every few milliseconds
    /// (and what is pending at exit). `onDrop` hears how many lines a batch lost.
    public func start(fileDescriptor: Int32, onDrop: @escaping @Sendable (Int) -> Void) {
        let thread = Thread { [self] in
            while true {
                usleep(5_000)  // a few ms of delay in the log; no wake-up per line
                flush(to: fileDescriptor, onDrop: onDrop)
            }
        }
        thread.name = "portrait.access-log"
        thread.start()
        AccessLogWriter.atExit.withLock { $0.append((self, fileDescriptor)) }
        if AccessLogWriter.atExitRegistered.exchange(true, ordering: .relaxed) == false {
            atexit { AccessLogWriter.flushAllAtExit() }
        }
    }

    /// Writes whatever is pending now: one `write(2)` per thread's batch.
    func flush(to fileDescriptor: Int32, onDrop: (Int) -> Void) {
        var lost = 0
        drain { batch, dropped in
            lost += dropped
            batch.withUnsafeBytes { Self.writeAll($0, to: fileDescriptor) }
        }
        if lost > 0 { onDrop(lost) }
    }

    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to fileDescriptor: Int32) {
        var offset = 0
        while offset < bytes.count {
            let written = write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                return  // stderr closed or full disk: nothing better to do with a log line
            }
        }
    }

    private static let atExit = Mutex<[(AccessLogWriter, Int32)]>([])
    private static let atExitRegistered = Atomic<Bool>(false)

    private static func flushAllAtExit() {
        for (writer, fileDescriptor) in atExit.withLock({ $0 }) { writer.flush(to: fileDescriptor) { _ in } }
    }
}
