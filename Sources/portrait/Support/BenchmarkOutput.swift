import Foundation

/// Peak resident memory of this process (`VmHWM`), in MiB.
func peakResidentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return (kilobytes / 1024 * 10).rounded() / 10
}

/// User and system CPU time of this process so far, every thread's, in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Prints one JSON line of benchmark figures, keys in the given order.
func printBenchmarkLine(_ fields: [(String, Any)]) {
    let body = fields.map { key, value -> String in
        let rendered: String
        switch value {
        case let text as String: rendered = "\"\(text)\""
        case let number as Double: rendered = number.isFinite ? String((number * 1000).rounded() / 1000) : "null"
        default: rendered = "\(value)"
        }
        return "\"\(key)\":\(rendered)"
    }
    print("{" + body.joined(separator: ",") + "}")
}

/// Seconds since `start` by the monotonic clock.
func secondsSince(_ start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}
