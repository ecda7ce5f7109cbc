import Dispatch
import Foundation

/// SIGTERM and SIGINT call `action` (on a global queue) instead of killing the process, so a
/// long-running role can flush and save its position first. Keep the sources alive while running.
func onTerminationSignals(_ action: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
    [SIGTERM, SIGINT].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler(handler: action)
        source.resume()
        return source
    }
}
