/// One promote or rollback (a row of `model_promotions`).
public struct ModelPromotion: Sendable, Equatable {
    public enum Action: String, Sendable { case promote, rollback, retire }

    public var action: Action
    public var fromVersion: Int?
    public var toVersion: Int?
    public var reason: String?
    public var actor: String
    public var createdAt: String
}
