import Metrics

/// The ingest's swift-metrics instruments; the executable chooses the backend (Prometheus on
/// `--metrics-addr`), a library never does. Counters are cached per table so the per-event
/// path does no registry look-up.
struct IngestMetrics {
    /// `portrait_ingest_batches_total`: batches flushed to the sink and saved as a position.
    let batches = Counter(label: "portrait_ingest_batches_total")
    /// `portrait_ingest_lag_seconds`: now minus the source commit time of the last event (0 on a heartbeat).
    let lag = Gauge(label: "portrait_ingest_lag_seconds")
    private var changesByTable: [String: Counter] = [:]
    private var lastTable: (database: String, table: String, counter: Counter)?
    private var lastLag = -1

    /// `portrait_ingest_changes_total{table="db.table"}` += `count`.
    mutating func recordChanges(_ count: Int, database: String, table: String) {
        guard count > 0 else { return }
        // Runs of one table (snapshot rows, bulk statements) skip building the name.
        if let last = lastTable, last.database == database, last.table == table {
            last.counter.increment(by: count)
            return
        }
        let name = "\(database).\(table)"
        let counter = changesByTable[name] ?? Counter(label: "portrait_ingest_changes_total", dimensions: [("table", name)])
        changesByTable[name] = counter
        lastTable = (database, table, counter)
        counter.increment(by: count)
    }

    /// Records the lag in whole seconds, touching the gauge only when it changes.
    mutating func recordLag(seconds: Int) {
        guard seconds != lastLag else { return }
        lastLag = seconds
        lag.record(seconds)
    }
}
