/// Where a version stands. Exactly one version of a model is `active` at a time (the one
/// `models.active_version` names); a promoted-away version becomes `retired` and can come back
/// by rollback. `rejected` is allowed by the schema but not set by this module: a candidate
/// that lost the comparison stays `candidate` so `promote --force` can still choose it.
public enum ModelStatus: String, Sendable, Codable {
    case candidate, active, retired, rejected
}
