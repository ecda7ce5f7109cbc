import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 connection handling, with each connection's task preferring its
/// channel's event loop as executor (``EventLoopTaskExecutor``). Hummingbird alone runs every
/// connection's task on the global concurrent pool, so each request hopped loop → pool for the
/// read, pool → loop for the Redis write, loop → pool for the reply and pool → loop for the
/// response; about half the server's CPU went to those hops (perf, Benchmarks/README.md).
/// Child tasks (a request's timeout, a task group) inherit the preference.
struct EventLoopHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http1: HTTP1Channel
    let executors: EventLoopTaskExecutors

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        http1.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(executors.executor(for: value.channel.eventLoop)) {
            await http1.handle(value: value, logger: logger)
        }
    }
}
