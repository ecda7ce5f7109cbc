import PortraitCore

/// Whether the history Portrait keeps covers every metric window: a recompute or backfill can
/// only give a window its full past if the inputs inside it are still held — by Kafka
/// (`history.kafka_retention_hours`) or by the archive (`history.archive_retention_days`, 0 for
/// everything).
public enum HistoryRetention {
    /// A description of each metric whose window is longer than the history kept; empty when all fit.
    public static func problems(metrics: [(name: String, window: MetricWindow)], archiveRetentionDays: Int, kafkaRetentionHours: Int) -> [String] {
        let keptMs: Int64? = archiveRetentionDays == 0 ? nil : max(Int64(archiveRetentionDays) * 86_400_000, Int64(kafkaRetentionHours) * 3_600_000)
        guard let keptMs else { return [] }
        let kept = "history is kept \(archiveRetentionDays)d (history.archive_retention_days)"
        return metrics.sorted { $0.name < $1.name }.compactMap { metric in
            switch metric.window {
            case .lifetime:
                return "metric \(metric.name) covers the whole history but \(kept)"
            case .sliding(let length, _) where length > keptMs:
                return "metric \(metric.name) has a \(metric.window) window but \(kept)"
            case .sliding:
                return nil
            }
        }
    }
}
