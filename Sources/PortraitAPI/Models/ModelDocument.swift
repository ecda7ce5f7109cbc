import JSON
import PortraitModels

/// How models look in the API (docs/MODELS.md): the registry's head, versions and promotions
/// with snake_case keys; times are UTC as MariaDB prints them. A version's params (the whole
/// fitted model) are left out: `portrait models show NAME --version N` prints them.
enum ModelDocument {
    static func head(_ head: ModelHead) -> [String: JSONValue] {
        [
            "name": .string(head.name), "algorithm": .string(head.algorithm.rawValue), "output": .string("model.\(head.name).\(head.algorithm.output)"),
            "description": head.description.map(JSONValue.string) ?? .null, "latest_version": .integer(Int64(head.latestVersion)),
            "active_version": head.activeVersion.map { .integer(Int64($0)) } ?? .null, "promotion_margin": .number(head.promotionMargin),
            "created_at": .string(head.createdAt),
        ]
    }

    static func version(_ version: ModelVersion) -> JSONValue {
        .object([
            "version": .integer(Int64(version.version)), "algorithm": .string(version.algorithm.rawValue), "status": .string(version.status.rawValue),
            "metrics": .object(version.metrics.mapValues(JSONValue.number)), "features": .array(version.features.map(JSONValue.string)),
            "training_from": text(version.trainingFrom), "training_to": text(version.trainingTo),
            "training_rows": version.trainingRows.map { .integer(Int64($0)) } ?? .null,
            "artifact_location": text(version.artifactLocation), "created_by": text(version.createdBy), "created_at": .string(version.createdAt),
            "promoted_at": text(version.promotedAt), "retired_at": text(version.retiredAt),
        ])
    }

    static func promotion(_ promotion: ModelPromotion) -> JSONValue {
        .object([
            "action": .string(promotion.action.rawValue), "from_version": promotion.fromVersion.map { .integer(Int64($0)) } ?? .null,
            "to_version": promotion.toVersion.map { .integer(Int64($0)) } ?? .null, "reason": text(promotion.reason),
            "actor": .string(promotion.actor), "created_at": .string(promotion.createdAt),
        ])
    }

    private static func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
}
