/// One model name in the registry (a row of `models`).
public struct ModelHead: Sendable, Equatable {
    /// `models.id`, the key versions and promotions refer to.
    public var id: UInt64
    public var name: String
    public var algorithm: ModelAlgorithm
    public var description: String?
    /// The highest version registered, 0 before the first.
    public var latestVersion: Int
    /// The version processors score with, `nil` before the first promotion.
    public var activeVersion: Int?
    /// How much better a candidate must be to replace the active version (``PromotionRule``).
    public var promotionMargin: Double
    /// UTC, as MariaDB prints DATETIME(6).
    public var createdAt: String
}
