extension ContinuousClock.Instant {
    /// Whole milliseconds from this instant to now: what `took_ms` reports.
    package var millisecondsUntilNow: Int64 {
        let took = duration(to: .now)
        return took.components.seconds * 1_000 + took.components.attoseconds / 1_000_000_000_000_000
    }
}
