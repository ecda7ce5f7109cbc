import Foundation

/// What one retraining did, for the caller and the scheduler's run record.
public struct RetrainingOutcome: Sendable, Codable, Equatable {
    public var name: String
    /// The version registered.
    public var version: Int
    /// Profiles read; of them trained on and held out.
    public var rows: Int
    public var trainRows: Int
    public var testRows: Int
    public var metrics: [String: Double]
    public var promoted: Bool
    /// The version active before this run (`nil` if none) and after it.
    public var previousActiveVersion: Int?
    public var activeVersion: Int?
    /// ``PromotionRule``'s sentence.
    public var reason: String

    /// The outcome as one JSON object (sorted keys), e.g. for `job_runs.result`.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
