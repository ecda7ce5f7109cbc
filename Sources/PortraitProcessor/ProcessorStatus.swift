import Foundation
import Redis

/// The processor's throughput and freshness since its last report, written every few seconds
/// to `stat:process:<name>` (expiring, so a stopped processor disappears) for `GET /v1/pipeline`
/// and the console's dashboard.
struct ProcessorStatus {
    let name: String
    let intervalMs: Int64 = 2_000
    private var inputs = 0
    private var writes = 0
    private var lagsMs: [Int64] = []
    private var inputsTotal = 0
    private var writesTotal = 0
    private var lastReportMs: Int64 = 0
    /// Inputs lost before they were read, and history missing before the group started.
    private var gaps: [InputGap] = []

    init(groupId: String) {
        name = "\(groupId)@\(ProcessInfo.processInfo.hostName):\(getpid())"
    }

    mutating func record(inputs: Int, writes: Int, lagsMs: [Int64]) {
        self.inputs += inputs
        self.writes += writes
        if self.lagsMs.count < 100_000 { self.lagsMs.append(contentsOf: lagsMs) }
    }

    mutating func record(gaps: [InputGap]) {
        self.gaps = gaps
    }

    /// Writes the report when one is due (or `force`d); a Redis failure here only costs the report.
    mutating func reportIfDue(to connection: RedisConnection, nowMs: Int64, force: Bool = false) {
        guard force || nowMs - lastReportMs >= intervalMs else { return }
        let seconds = lastReportMs == 0 ? Double(intervalMs) / 1_000 : Double(nowMs - lastReportMs) / 1_000
        inputsTotal += inputs
        writesTotal += writes
        lagsMs.sort()
        let key = ProfileKeys.processorStatus(name)
        _ = try? connection.pipeline([
            [
                "HSET", key, "inputs_total", inputsTotal, "writes_total", writesTotal,
                "inputs_per_second", String(format: "%.1f", Double(inputs) / seconds),
                "freshness_ms_p50", Self.percentile(lagsMs, 0.5), "freshness_ms_p99", Self.percentile(lagsMs, 0.99),
                "updated_ms", nowMs,
                "inputs_lost", gaps.filter { !$0.neverCommitted }.reduce(0) { $0 + $1.count },
                "history_missing", gaps.filter(\.neverCommitted).reduce(0) { $0 + $1.count },
                "gaps", gaps.map(\.description).joined(separator: "; "),
            ],
            ["PEXPIRE", key, 30_000],
            ["ZADD", ProfileKeys.processors, nowMs, name],
            ["ZREMRANGEBYSCORE", ProfileKeys.processors, "-inf", nowMs - 60_000],
        ])
        inputs = 0
        writes = 0
        lagsMs.removeAll(keepingCapacity: true)
        lastReportMs = nowMs
    }

    /// '' when nothing was measured.
    private static func percentile(_ sorted: [Int64], _ rank: Double) -> String {
        guard !sorted.isEmpty else { return "" }
        return String(sorted[min(sorted.count - 1, Int(Double(sorted.count) * rank))])
    }
}
