import Synchronization

/// Counts what a CSV source skipped; shared by the source and whoever reports on the job.
public final class CSVReadStatistics: Sendable {
    let skipped = Atomic<Int>(0)
    let samples = Mutex<[CSVError]>([])

    /// Creates empty statistics.
    public init() {}

    /// Lines skipped under ``CSVErrorPolicy/skip``.
    public var skippedLines: Int { skipped.load(ordering: .relaxed) }

    /// The first few skip reasons (at most 10), with line numbers.
    public var firstErrors: [CSVError] { samples.withLock { $0 } }

    @usableFromInline
    func recordSkip(_ error: CSVError) {
        skipped.add(1, ordering: .relaxed)
        samples.withLock { if $0.count < 10 { $0.append(error) } }
    }
}
