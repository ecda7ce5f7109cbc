import Foundation
import MySQL

/// The model registry in MySQL (`models`, `model_versions`, `model_promotions`, migration 0003).
///
/// Versions are append-only apart from their status and promoted/retired times. Every change
/// of the active version — promote or rollback — happens in one transaction with the model's
/// head row locked (`FOR UPDATE`), updates the head, both versions' statuses and records a
/// `model_promotions` row, so readers never see two active versions or none mid-switch.
public struct ModelRegistry: Sendable {
    private let connection: MySQLConnection

    public init(connection: MySQLConnection) {
        self.connection = connection
    }

    // MARK: Heads

    /// Registers a model name.
    @discardableResult
    public func register(
        name: String, algorithm: ModelAlgorithm, promotionMargin: Double = PromotionRule.defaultMargin,
        description: String? = nil, owner: String? = nil
    ) throws -> ModelHead {
        try Self.validate(name: name)
        try Self.validate(margin: promotionMargin)
        do {
            try connection.execute(
                "INSERT INTO models (name, algorithm, description, owner, promotion_margin) VALUES (?, ?, ?, ?, ?)",
                [.string(name), .string(algorithm.rawValue), description.map(MySQLValue.string) ?? .null,
                 owner.map(MySQLValue.string) ?? .null, .double(promotionMargin)])
        } catch {
            // Typed `do` (MySQLError): a pattern catch here crashes Swift 6.3's SIL verifier.
            if case .duplicateKey = error { throw ModelRegistryError.alreadyExists(name: name) }
            throw error
        }
        return try head(name)
    }

    /// The model `name`, registered now if new. An existing model must have `algorithm`;
    /// a given margin replaces its margin.
    @discardableResult
    public func ensure(name: String, algorithm: ModelAlgorithm, promotionMargin: Double?) throws -> ModelHead {
        guard let existing = try findHead(name) else {
            return try register(name: name, algorithm: algorithm, promotionMargin: promotionMargin ?? PromotionRule.defaultMargin)
        }
        guard existing.algorithm == algorithm else {
            throw ModelRegistryError.algorithmMismatch(name: name, registered: existing.algorithm, requested: algorithm)
        }
        guard let promotionMargin, promotionMargin != existing.promotionMargin else { return existing }
        try Self.validate(margin: promotionMargin)
        try connection.execute("UPDATE models SET promotion_margin = ? WHERE id = ?", [.double(promotionMargin), .uint(existing.id)])
        return try head(name)
    }

    /// Every model, by name.
    /// Every registered model's name: what tags may read as `model.<name>.score|cluster`.
    public func names() throws -> Set<String> {
        Set(try heads().map(\.name))
    }

    public func heads() throws -> [ModelHead] {
        try connection.query("\(Self.headColumns) ORDER BY name").map(Self.head(from:))
    }

    /// The model `name`, or `modelNotFound`.
    public func head(_ name: String) throws -> ModelHead {
        guard let head = try findHead(name) else { throw ModelRegistryError.modelNotFound(name: name) }
        return head
    }

    private func findHead(_ name: String, on db: MySQLConnection? = nil, lock: Bool = false) throws -> ModelHead? {
        try (db ?? connection).query("\(Self.headColumns) WHERE name = ?\(lock ? " FOR UPDATE" : "")", [.string(name)])
            .first.map(Self.head(from:))
    }

    // MARK: Versions

    /// Stores `draft` as the model's next version, status `candidate`.
    @discardableResult
    public func addVersion(_ draft: ModelVersionDraft, to name: String, createdBy: String) throws -> ModelVersion {
        let number = try connection.transaction { db -> Int in
            guard let head = try findHead(name, on: db, lock: true) else { throw ModelRegistryError.modelNotFound(name: name) }
            let number = head.latestVersion + 1
            try db.execute("""
                INSERT INTO model_versions (model_id, version, algorithm, params, metrics, features, training_from, training_to,
                  training_rows, artifact_location, artifact_sha256, status, job_run_id, created_by)
                VALUES (?, ?, ?, ?, ?, ?, FROM_UNIXTIME(? / 1000), FROM_UNIXTIME(? / 1000), ?, ?, ?, 'candidate', ?, ?)
                """, [
                    .uint(head.id), .int(Int64(number)), .string(head.algorithm.rawValue), .string(draft.params),
                    .string(try Self.json(draft.metrics)), .string(try Self.json(draft.features)),
                    draft.trainingFromMs.map(MySQLValue.int) ?? .null, draft.trainingToMs.map(MySQLValue.int) ?? .null,
                    draft.trainingRows.map { .int(Int64($0)) } ?? .null,
                    draft.artifactLocation.map(MySQLValue.string) ?? .null, draft.artifactSHA256.map(MySQLValue.string) ?? .null,
                    draft.jobRunId.map(MySQLValue.uint) ?? .null, .string(createdBy),
                ])
            try db.execute("UPDATE models SET latest_version = ? WHERE id = ?", [.int(Int64(number)), .uint(head.id)])
            return number
        }
        return try version(name, number)
    }

    /// Every version of the model, newest first.
    public func versions(of name: String) throws -> [ModelVersion] {
        let head = try head(name)
        return try versionRows("v.model_id = ? ORDER BY v.version DESC", [.uint(head.id)], on: connection)
    }

    /// One version, or `versionNotFound`.
    public func version(_ name: String, _ number: Int) throws -> ModelVersion {
        let head = try head(name)
        return try version(head, number, on: connection)
    }

    /// The active version with its params, `nil` before the first promotion.
    public func active(_ name: String) throws -> ModelVersion? {
        let head = try head(name)
        return try head.activeVersion.map { try version(head, $0, on: connection) }
    }

    /// The active version loaded for scoring, `nil` before the first promotion. Throws
    /// ``ModelLoadError`` if the stored version does not load (never returns part of it).
    public func activeScorer(_ name: String) throws -> ModelScorer? {
        try active(name).map { try ModelScorer(version: $0) }
    }

    private func version(_ head: ModelHead, _ number: Int, on db: MySQLConnection) throws -> ModelVersion {
        guard let found = try versionRows("v.model_id = ? AND v.version = ?", [.uint(head.id), .int(Int64(number))], on: db).first else {
            throw ModelRegistryError.versionNotFound(name: head.name, version: number)
        }
        return found
    }

    private func versionRows(_ condition: String, _ parameters: [MySQLValue], on db: MySQLConnection) throws -> [ModelVersion] {
        try db.query("""
            SELECT m.name, v.version, v.algorithm, v.status, v.params, v.metrics, v.features,
              CAST(v.training_from AS CHAR) AS training_from, CAST(v.training_to AS CHAR) AS training_to, v.training_rows,
              v.artifact_location, v.artifact_sha256, v.created_by, CAST(v.created_at AS CHAR) AS created_at,
              CAST(v.promoted_at AS CHAR) AS promoted_at, CAST(v.retired_at AS CHAR) AS retired_at
            FROM model_versions v JOIN models m ON m.id = v.model_id WHERE \(condition)
            """, parameters).map(Self.version(from:))
    }

    // MARK: Promotion

    /// Makes `number` the active version. Without `force` the candidate must beat the active
    /// version by the model's margin (``PromotionRule``), else `notBetter`. Either way the
    /// version must load as a ``ModelScorer`` (`unloadable` otherwise). The previous active
    /// version becomes `retired`.
    @discardableResult
    public func promote(_ name: String, version number: Int, actor: String, force: Bool = false) throws -> ModelPromotion {
        try connection.transaction { db in
            guard let head = try findHead(name, on: db, lock: true) else { throw ModelRegistryError.modelNotFound(name: name) }
            let target = try version(head, number, on: db)
            guard head.activeVersion != number else { throw ModelRegistryError.alreadyActive(name: name, version: number) }
            let active = try head.activeVersion.map { try version(head, $0, on: db) }
            let verdict = PromotionRule.judge(candidate: target, active: active, margin: head.promotionMargin)
            guard verdict.promote || force else { throw ModelRegistryError.notBetter(name: name, version: number, reason: verdict.reason) }
            try Self.requireLoadable(target)
            let reason = verdict.promote ? verdict.reason : "forced: \(verdict.reason)"
            return try switchActive(head, from: head.activeVersion, to: number, action: .promote, reason: reason, actor: actor, on: db)
        }
    }

    /// Restores the version that was active before the current one was promoted (each
    /// rollback steps one promotion further back). The current version becomes `retired`.
    @discardableResult
    public func rollback(_ name: String, actor: String) throws -> ModelPromotion {
        try connection.transaction { db in
            guard let head = try findHead(name, on: db, lock: true) else { throw ModelRegistryError.modelNotFound(name: name) }
            guard let current = head.activeVersion else { throw ModelRegistryError.nothingToRollBack(name: name) }
            let previous = try db.query("""
                SELECT from_version FROM model_promotions WHERE model_id = ? AND action = 'promote' AND to_version = ?
                ORDER BY id DESC LIMIT 1
                """, [.uint(head.id), .int(Int64(current))]).first.flatMap { try $0.decode(Int?.self, "from_version") }
            guard let previous else { throw ModelRegistryError.nothingToRollBack(name: name) }
            try Self.requireLoadable(try version(head, previous, on: db))
            return try switchActive(head, from: current, to: previous, action: .rollback, reason: "rollback from v\(current)", actor: actor, on: db)
        }
    }

    /// Every promote and rollback of the model, oldest first.
    public func promotions(of name: String) throws -> [ModelPromotion] {
        let head = try head(name)
        return try connection.query("""
            SELECT action, from_version, to_version, reason, actor, CAST(created_at AS CHAR) AS created_at
            FROM model_promotions WHERE model_id = ? ORDER BY id
            """, [.uint(head.id)]).map { row in
            ModelPromotion(
                action: ModelPromotion.Action(rawValue: try row.decode(String.self, "action")) ?? .promote,
                fromVersion: try row.decode(Int?.self, "from_version"), toVersion: try row.decode(Int?.self, "to_version"),
                reason: try row.decode(String?.self, "reason"), actor: try row.decode(String.self, "actor"),
                createdAt: try row.decode(String.self, "created_at"))
        }
    }

    /// The status changes and the record of one switch, inside the caller's transaction.
    private func switchActive(
        _ head: ModelHead, from old: Int?, to new: Int, action: ModelPromotion.Action, reason: String, actor: String, on db: MySQLConnection
    ) throws -> ModelPromotion {
        if let old {
            try db.execute("UPDATE model_versions SET status = 'retired', retired_at = CURRENT_TIMESTAMP(6) WHERE model_id = ? AND version = ?",
                           [.uint(head.id), .int(Int64(old))])
        }
        try db.execute("UPDATE model_versions SET status = 'active', promoted_at = CURRENT_TIMESTAMP(6), retired_at = NULL WHERE model_id = ? AND version = ?",
                       [.uint(head.id), .int(Int64(new))])
        try db.execute("UPDATE models SET active_version = ? WHERE id = ?", [.int(Int64(new)), .uint(head.id)])
        let reasonText = String(reason.prefix(1000))
        let id = try db.execute(
            "INSERT INTO model_promotions (model_id, action, from_version, to_version, reason, actor) VALUES (?, ?, ?, ?, ?, ?)",
            [.uint(head.id), .string(action.rawValue), old.map { .int(Int64($0)) } ?? .null, .int(Int64(new)),
             .string(reasonText), .string(actor)]).lastInsertId
        let createdAt = try db.query("SELECT CAST(created_at AS CHAR) AS created_at FROM model_promotions WHERE id = ?", [.uint(id)])
            .first.map { try $0.decode(String.self, "created_at") } ?? ""
        return ModelPromotion(action: action, fromVersion: old, toVersion: new, reason: reasonText, actor: actor, createdAt: createdAt)
    }

    private static func requireLoadable(_ version: ModelVersion) throws {
        do { _ = try ModelScorer(version: version) } catch {
            throw ModelRegistryError.unloadable(name: version.name, version: version.version, reason: error.description)
        }
    }

    // MARK: Rows

    private static let headColumns = """
        SELECT id, name, algorithm, description, latest_version, active_version, promotion_margin,
          CAST(created_at AS CHAR) AS created_at FROM models
        """

    private static func head(from row: MySQLRow) throws -> ModelHead {
        let algorithm = try row.decode(String.self, "algorithm")
        guard let known = ModelAlgorithm(rawValue: algorithm) else {
            throw MySQLError.typeMismatch(column: "algorithm", expected: "kmeans or logistic_regression", got: algorithm)
        }
        return ModelHead(
            id: try row.decode(UInt64.self, "id"), name: try row.decode(String.self, "name"), algorithm: known,
            description: try row.decode(String?.self, "description"), latestVersion: try row.decode(Int.self, "latest_version"),
            activeVersion: try row.decode(Int?.self, "active_version"),
            promotionMargin: try row.decode(Double?.self, "promotion_margin") ?? PromotionRule.defaultMargin,
            createdAt: try row.decode(String.self, "created_at"))
    }

    private static func version(from row: MySQLRow) throws -> ModelVersion {
        let algorithm = try row.decode(String.self, "algorithm"), status = try row.decode(String.self, "status")
        guard let knownAlgorithm = ModelAlgorithm(rawValue: algorithm), let knownStatus = ModelStatus(rawValue: status) else {
            throw MySQLError.typeMismatch(column: "algorithm/status", expected: "a known algorithm and status", got: "\(algorithm)/\(status)")
        }
        return ModelVersion(
            name: try row.decode(String.self, "name"), version: try row.decode(Int.self, "version"),
            algorithm: knownAlgorithm, status: knownStatus, params: try row.decode(String.self, "params"),
            metrics: try decodeJSON([String: Double].self, try row.decode(String.self, "metrics"), column: "metrics"),
            features: try decodeJSON([String]?.self, try row.decode(String?.self, "features") ?? "null", column: "features") ?? [],
            trainingFrom: try row.decode(String?.self, "training_from"), trainingTo: try row.decode(String?.self, "training_to"),
            trainingRows: try row.decode(Int?.self, "training_rows"),
            artifactLocation: try row.decode(String?.self, "artifact_location"), artifactSHA256: try row.decode(String?.self, "artifact_sha256"),
            createdBy: try row.decode(String?.self, "created_by"), createdAt: try row.decode(String.self, "created_at"),
            promotedAt: try row.decode(String?.self, "promoted_at"), retiredAt: try row.decode(String?.self, "retired_at"))
    }

    private static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String, column: String) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
            throw MySQLError.typeMismatch(column: column, expected: "JSON \(T.self)", got: text)
        }
    }

    private static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private static func validate(name: String) throws {
        let allowed = name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
        guard let first = name.utf8.first, (first >= 97 && first <= 122) || (first >= 65 && first <= 90), allowed, name.utf8.count <= 128 else {
            throw ModelRegistryError.invalidName(name)
        }
    }

    private static func validate(margin: Double) throws {
        guard margin.isFinite, margin >= 0 else { throw ModelRegistryError.invalidMargin(margin) }
    }
}
