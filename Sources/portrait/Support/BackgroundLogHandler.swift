import Foundation
import Logging
import Synchronization

/// Wraps the chosen log handler so that writing happens on one thread of its own: the caller
/// (a request's access-log line, an event loop) pays a lock and an append, never a `write`
/// syscall on stderr. Task-local metadata providers would be read on the writer thread, so
/// none is used with it.
struct BackgroundLogHandler: LogHandler {
    var wrapped: any LogHandler
    let writer: BackgroundLogWriter

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        writer.enqueue(wrapped, event)
    }
}

/// The one writer thread. Bounded: when ``limit`` events wait, new ones are dropped and the
/// number dropped is logged once the queue drains. Whatever waits is written at exit.
final class BackgroundLogWriter: Sendable {
    static let shared = BackgroundLogWriter()
    static let limit = 65_536

    private struct Pending {
        var events: [(handler: any LogHandler, event: LogEvent)] = []
        var dropped = 0
    }

    private let pending = Mutex(Pending())

    private init() {
        let thread = Thread { [self] in
            while true {
                usleep(5_000)  // a few ms of delay in the log; no per-line wake-up
                drain()
            }
        }
        thread.name = "portrait.log-writer"
        thread.start()
        atexit { BackgroundLogWriter.shared.drain() }
    }

    func enqueue(_ handler: any LogHandler, _ event: LogEvent) {
        pending.withLock { pending in
            if pending.events.count >= Self.limit { pending.dropped += 1 } else { pending.events.append((handler, event)) }
        }
    }

    /// Writes everything queued so far.
    func drain() {
        let (events, dropped) = pending.withLock { pending in
            defer { pending = Pending() }
            return (pending.events, pending.dropped)
        }
        for (handler, event) in events { handler.log(event: event) }
        if dropped > 0, let last = events.last {
            var warning = last.event
            warning.level = .warning
            warning.message = "\(dropped) log lines dropped: the log writer fell behind"
            warning.metadata = nil
            last.handler.log(event: warning)
        }
    }
}
