import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 connection handling, with each connection's task preferring its
/// channel's event loop as executor (``EventLoopTaskExecutor``). Hummingbird alone runs every
/// connection's task on the global concurrent pool, so each request hopped loop → pool for the
/// read, pool → loop for the Redis write, loop → pool for the reply and pool → loop for the
/// response; about half the server's CPU went to those hops (perf, Benchmarks/README.md).
/// Child tasks (a request's timeout, a task group) inherit the preference.
///
/// With a ``ProfileFastPath``, each connection also gets a ``ProfileFastPathHandler`` right
/// after Hummingbird's connection-state handler, so profile reads it can answer never reach
/// Hummingbird's channel, and a ``PreformattedAnswerHandler`` below NIO's encoder, through which
/// it writes its answers as whole buffers.
struct EventLoopHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http1: HTTP1Channel
    let executors: EventLoopTaskExecutors
    let fastPath: ProfileFastPath?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let fastPath = self.fastPath
        return http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            guard let fastPath else { return value }
            let pipeline = channel.pipeline.syncOperations
            let state = try pipeline.handler(type: HTTPConnectionStateHandler.self)
            let answers = try PreformattedAnswerHandler.add(to: pipeline)
            try pipeline.addHandler(ProfileFastPathHandler(fastPath: fastPath, answers: answers), position: .after(state))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(executors.executor(for: value.channel.eventLoop)) {
            await http1.handle(value: value, logger: logger)
        }
    }
}
